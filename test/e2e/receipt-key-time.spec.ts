import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadOrCreateFileSigner, signTrustBundle, verifyEd25519Node, verifyTrustBundle } from '@registry-bus/protocol';
import { verifyReceipt, type Receipt } from '@registry-bus/receipts';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

/** `npx registry-bus verify <file> --trust <bundle> --root <key>`, as a user runs it (asynchronously: the apps run here). */
function cli(stack: DepartmentStack, file: string, bundle: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/registry-bus.mjs', 'verify', file, '--trust', bundle, '--root', join(stack.local, 'trust-root.pub')],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          out: `${stdout}${stderr}`,
        }),
    );
  });
}

/**
 * Issue #24 on a real stack: a receipt carries the first anchor that covered
 * its entry and the latest quorum checkpoint; the entry's key is judged at
 * the first. So a routine retirement of land's key, published in a newer
 * bundle after the entry's first anchor but before its latest, leaves the
 * receipt VALID — where judging at the latest anchor would refuse it.
 */
describe('receipts across a key retirement (issue #24)', () => {
  const stack = new DepartmentStack();
  let clerk: string;

  /** Registers a parcel; its entry's seq. */
  const register = async (parcel: string): Promise<number> => {
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: surveyedParcel(parcel, `S-${parcel}`),
    });
    expect(answer.status).toBe(201);
    return (answer.body.entries as Array<{ seq: number }>)[0]!.seq;
  };
  let seq = 0;
  /** Land's receipt of the parcel's entry once its first anchor and a later one are both cosigned by credit (land's witness here). */
  const receiptWithLatest = () =>
    stack.eventually('a receipt with a later quorum checkpoint', async () => {
      const answer = await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`);
      const receipt = answer.body as unknown as Receipt;
      return answer.status === 200 &&
        receipt.checkpoint?.includes('\u2014 credit ') &&
        receipt.latest?.checkpoint?.includes('\u2014 credit ')
        ? receipt
        : undefined;
    });

  beforeAll(async () => {
    await stack.start(['land', 'credit', 'notary']);
    clerk = await stack.token('land', 'clerk', 'clerk:rk');
  });
  afterAll(() => stack.stop());

  it('a receipt fetched after land’s key is retired in a newer bundle still verifies: the CLI says VALID', async () => {
    // Not anchored yet (the notary anchors every few seconds): 202 with the entry alone, which verifies as unanchored.
    seq = await register('RK-1');
    const early = await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`);
    if (early.status === 202) {
      const unanchored = join(stack.local, 'receipt-unanchored.json');
      writeFileSync(unanchored, JSON.stringify(early.body));
      const said = await cli(stack, unanchored, join(stack.local, 'trust-bundle.json'));
      expect(said.out).toMatch(
        new RegExp(`^UNANCHORED {2}gov\\.land\\.parcel\\.registered\\.v1 — land ledger, entry ${seq},`),
      );
      expect(said.status).toBe(6);
    }
    await stack.eventually('the parcel anchored', async () =>
      (await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`)).status === 200 ? true : undefined,
    );
    await register('RK-2');
    const before = await receiptWithLatest();
    const base = stack.trustBundle();
    const judged = verifyReceipt(before, base, verifyEd25519Node);
    expect(judged).toMatchObject({ verdict: 'valid' });
    const keyTime = Date.parse(judged.summary.keyJudgedAt!);
    const latestAt = Date.parse(before.latest!.anchor.envelope.time);
    expect(latestAt).toBeGreaterThan(keyTime);

    // A routine rotation: land's key retired between the first anchor's time and the latest's, with no grace at all.
    const newer = structuredClone(base);
    newer.version = base.version + 1;
    newer.issuedAt = new Date().toISOString();
    newer.anchorGraceSeconds = 0;
    const key = newer.departments
      .find((d) => d.id === 'land')!
      .keys.find((k) => k.keyId === before.entry.envelope.keyid)!;
    key.validUntil = new Date(Math.floor((keyTime + latestAt) / 2)).toISOString();
    const governance = loadOrCreateFileSigner(join(stack.local, 'keys', 'governance'), 'governance');
    const signed = await signTrustBundle(newer, governance);
    const bundleFile = join(stack.local, 'trust-bundle-retired.json');
    writeFileSync(bundleFile, JSON.stringify(signed));
    // Land builds its receipts under the newer bundle from now on.
    await stack.stopOne('land');
    await stack.start(['land'], { TRUST_BUNDLE_FILE: bundleFile });

    const receipt = (await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`)).body as unknown as Receipt;
    expect(receipt.anchor.envelope.hash).toBe(before.anchor.envelope.hash);
    const file = join(stack.local, 'receipt-after-rotation.json');
    writeFileSync(file, JSON.stringify(receipt));
    const said = await cli(stack, file, bundleFile);
    expect(said.out).toMatch(
      new RegExp(`^VALID {2}gov\\.land\\.parcel\\.registered\\.v1 — land ledger, entry ${seq},`),
    );
    expect(said.out).toContain(`  key time:  ${judged.summary.keyJudgedAt} (${judged.summary.keyJudgedBy})`);
    expect(said.out).toMatch(/^ {2}latest: {4}by the notary at .* consistent with the first$/m);
    expect(said.status).toBe(0);

    // Judged at its latest anchor instead (a receipt as built before #24), the same record would be refused.
    const atLatest = verifyReceipt(
      {
        format: receipt.format,
        entry: receipt.entry,
        inclusion: receipt.latest!.inclusion,
        anchor: receipt.latest!.anchor,
        cosignatures: receipt.latest!.cosignatures,
        ...(receipt.latest!.checkpoint ? { checkpoint: receipt.latest!.checkpoint } : {}),
      },
      verifyTrustBundle(signed, governance.publicKey),
      verifyEd25519Node,
    );
    expect(atLatest.failure).toMatchObject({ id: 'keys-at-anchor', reason: expect.stringMatching(/was retired at/) });
  }, 300_000);
});
