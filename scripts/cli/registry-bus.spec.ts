import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { signTrustBundle, testSigner, toBase64 } from '@registry-bus/protocol';
import type { Receipt, UnanchoredReceipt } from '@registry-bus/receipts';
import { testReceipt } from '@registry-bus/testing';

/**
 * The offline verifier as a user runs it (`npx registry-bus verify`), on
 * receipt files: its verdict line and its exit code, one per verdict.
 */
describe('registry-bus verify: exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-cli-'));
  const root = testSigner('governance', 'root');
  let receipt: Receipt;

  beforeAll(async () => {
    const fixture = testReceipt(['land', 'credit', 'court', 'bond']);
    receipt = fixture.receipt;
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(await signTrustBundle(fixture.bundle, root)));
    writeFileSync(join(dir, 'root.pub'), `${toBase64(root.publicKey)}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (name: string, content: Receipt | UnanchoredReceipt | object) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    const result = spawnSync(
      process.execPath,
      ['bin/registry-bus.mjs', 'verify', file, '--trust', join(dir, 'bundle.json'), '--root', join(dir, 'root.pub')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  };

  it('0 for a receipt whose anchor has its quorum', () => {
    const sut = verify('valid.json', receipt);
    expect(sut.status).toBe(0);
    expect(sut.out).toMatch(/^VALID {2}gov\.land\.parcel\.registered\.v1 — land ledger, entry 2, subject P-2$/m);
    expect(sut.out).toContain("quorum: 3 of 3 independent cosignatures (land's own does not count)");
  }, 60_000);

  it("3 for one left with the owner's cosignature only: valid, but below quorum", () => {
    const sut = verify('owner-only.json', { ...receipt, cosignatures: receipt.cosignatures.slice(0, 1) });
    expect(sut.status).toBe(3);
    expect(sut.out).toMatch(/^VALID — below quorum \(witnessed by land\) {2}gov\.land\.parcel\.registered\.v1/m);
    expect(sut.out).toContain(
      "quorum: 0 of 3 independent cosignatures (land's own does not count) — not yet confirmed",
    );
  }, 60_000);

  it('3 for one stripped of its cosignatures', () => {
    const sut = verify('stripped.json', { ...receipt, cosignatures: [] });
    expect(sut.status).toBe(3);
    expect(sut.out).toMatch(/^VALID — below quorum \(witnessed by no department\)/m);
    expect(sut.out).toContain('quorum: 0 of 3 independent cosignatures — not yet confirmed');
  }, 60_000);

  it('1 for an altered cosignature', () => {
    const copy = structuredClone(receipt);
    (copy.cosignatures[1]!.disclosure.fields as Record<string, string>).root = '00'.repeat(32);
    const sut = verify('forged.json', copy);
    expect(sut.status).toBe(1);
    expect(sut.out).toMatch(/^INVALID {2}gov\.land\.parcel\.registered\.v1/m);
    expect(sut.out).toContain("failed check 'cosignature-1-data'");
  }, 60_000);

  it('6 for an entry not yet anchored (the 202 answer saved whole): UNANCHORED, its key judged now', () => {
    const answer = {
      status: 'not-yet-anchored',
      seq: 2,
      detail: 'the notary has not anchored this entry yet; retry shortly',
      receipt: { format: receipt.format, entry: receipt.entry },
    };
    const sut = verify('unanchored.json', answer);
    expect(sut.status).toBe(6);
    expect(sut.out).toMatch(/^UNANCHORED {2}gov\.land\.parcel\.registered\.v1 — land ledger, entry 2, subject P-2$/m);
    expect(sut.out).toContain('  anchored:  not yet — no anchor of the notary covers this entry');
    expect(sut.out).toMatch(/^ {2}key: {7}valid under trust bundle version 1 as of \d{4}-\d\d-\d\dT/m);
    expect(sut.out).toContain('checks:    4 passed (format, entry-signature, entry-data, key-now)');
  }, 60_000);
});
