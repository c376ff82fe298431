import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { fromBase64, rootFingerprint, verifyEd25519Node, type TrustedKey } from '@registry-bus/protocol';
import { verifyLedgerExport, verifyReceipt, type LedgerExportLine, type Receipt } from '@registry-bus/receipts';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

const parcel = (cadastralNumber: string) => surveyedParcel(cadastralNumber, 'S-N');

/** One run of the CLI (a fresh Node process) on a loaded 2-core machine; a test of three runs gets three of these and a minute. */
const CLI_TIMEOUT_MS = 60_000;
const CLI_TEST_TIMEOUT_MS = 3 * CLI_TIMEOUT_MS + 60_000;

/**
 * The offline verifier as a user runs it: `npx registry-bus <command> <file> --trust <bundle> --root <key>`.
 * Asynchronously: the apps run in this process, and a blocked event loop would let their idle
 * keep-alive connections expire under the next request.
 */
function cli(
  stack: DepartmentStack,
  command: string,
  file: string,
  ...extra: string[]
): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        'bin/registry-bus.mjs',
        command,
        file,
        '--trust',
        join(stack.local, 'trust-bundle.json'),
        // The stack's root is not this installation's: the user names the root they hold.
        '--root',
        join(stack.local, 'trust-root.pub'),
        ...extra,
      ],
      { encoding: 'utf8', timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          out: `${stdout}${stderr}`,
        }),
    );
  });
}

interface AnchorRow {
  seq: string;
  tree_size: string;
  previous: string | null;
}

/** The notary anchors, the departments witness, a receipt verifies offline, a rewrite is caught. */
describe('notary, witnesses and receipts', () => {
  const stack = new DepartmentStack();
  let clerk: string;
  /** Land's first parcel (the entries before it are the operators' token entries, #27). */
  let firstParcel = 0;

  const anchorsOf = async (chain: string): Promise<AnchorRow[]> =>
    stack.get('notary').runtime.dataSource.query(
      `SELECT e.seq, convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'treeSize' AS tree_size,
              convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'previousAnchorSeq' AS previous
         FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.chain = 'notary' AND e.type = 'gov.notary.anchor.signed.v1'
          AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = $1
        ORDER BY e.seq`,
      [chain],
    );
  const register = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      expect((await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(`N-${i}`) })).status).toBe(
        201,
      );
    }
  };
  /** A receipt of land's `seq` whose (first quorum) checkpoint credit, land's one follower here, has cosigned (#23, #24). */
  const receiptOf = (seq: number) =>
    stack.eventually(`a receipt of land ${seq} cosigned by credit`, async () => {
      const answer = await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`);
      const receipt = answer.body as unknown as Receipt;
      return answer.status === 200 && receipt.checkpoint?.includes('\u2014 credit ') ? receipt : undefined;
    });

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    await stack.start(['notary']);
    clerk = await stack.token('land', 'clerk', 'clerk:n');
  });

  afterAll(() => stack.stop());

  it('anchors each chain that moved, and every department witnesses the anchor', async () => {
    const first = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('N-0') });
    const seq = (first.body.entries as Array<{ seq: number }>)[0]!.seq;
    firstParcel = seq;
    const early = await stack.call('land', 'GET', `/v1/ledger/entries/${seq}/receipt`);
    if (early.status === 202) expect(early.headers.get('retry-after')).toBe('5');
    await register(1, 6);
    const anchors = await stack.eventually('an anchor of land', async () => {
      const rows = await anchorsOf('land');
      return rows.length > 0 ? rows : undefined;
    });
    expect(Number(anchors[0]!.tree_size)).toBeGreaterThanOrEqual(1);
    // Credit cosigns the checkpoint; land, the chain's owner, does not witness itself.
    const receipt = await receiptOf(seq);
    const verdict = verifyReceipt(receipt, stack.trustBundle(), verifyEd25519Node);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.ok).toBe(true);
    expect(verdict.summary.witnessedBy).toEqual(['credit']);
    // Only public fields: the owners are personal and stay a commitment.
    expect(verdict.summary.withheld).toEqual(['owners']);
    expect(JSON.stringify(receipt)).not.toContain('secret-owner');
  });

  it('fails a tampered receipt with the precise check', async () => {
    const receipt = await receiptOf(firstParcel);
    const bundle = stack.trustBundle();
    const failed = (change: (copy: Receipt) => void) => {
      const copy = structuredClone(receipt);
      change(copy);
      return verifyReceipt(copy, bundle, verifyEd25519Node).failure?.id;
    };
    expect(failed((r) => (r.entry.disclosure.fields.location = 'Tbilisi'))).toBe('entry-data');
    expect(failed((r) => (r.entry.envelope.subject = 'N-999'))).toBe('entry-signature');
    expect(failed((r) => r.inclusion.path.push('00'.repeat(32)))).toBe('inclusion');
    expect(failed((r) => ((r.anchor.disclosure.fields as { root: string }).root = 'ab'.repeat(32)))).toBe(
      'anchor-data',
    );
    expect(
      failed((r) => {
        const lines = r.checkpoint!.split('\n');
        const credit = lines.findIndex((line) => line.startsWith('\u2014 credit '));
        const line = lines[credit]!;
        lines[credit] = `${line.slice(0, -10)}${line.at(-10) === 'A' ? 'B' : 'A'}${line.slice(-9)}`;
        r.checkpoint = lines.join('\n');
      }),
    ).toBe('checkpoint');
    const withoutNotary = { ...bundle, departments: bundle.departments.filter((d) => d.id !== 'notary') };
    const unknownKey = verifyReceipt(receipt, withoutNotary, verifyEd25519Node);
    expect(unknownKey.failure).toMatchObject({ id: 'anchor-signature', reason: expect.stringMatching(/not in trust/) });

    // The record's key, revoked or expired: before the record, or between the record and its anchor.
    const withLandKey = (change: (key: TrustedKey) => void) => {
      const copy = structuredClone(bundle);
      change(
        copy.departments.find((d) => d.id === 'land')!.keys.find((k) => k.keyId === receipt.entry.envelope.keyid)!,
      );
      return verifyReceipt(receipt, copy, verifyEd25519Node).failure;
    };
    const recorded = Date.parse(receipt.entry.envelope.time);
    const anchored = Date.parse(receipt.anchor.envelope.time);
    expect(anchored - recorded).toBeGreaterThan(1);
    const before = new Date(recorded - 1000).toISOString();
    const between = new Date(recorded + Math.floor((anchored - recorded) / 2)).toISOString();
    // The key is judged when the world saw the record (its first anchor, once credit cosigned it), never at the time it claims (#24).
    expect(withLandKey((key) => (key.revokedAt = before))).toMatchObject({
      id: 'keys-at-anchor',
      reason: expect.stringMatching(/revoked/),
    });
    // A stolen key signing "in the past": the anchor's time gives it away.
    expect(withLandKey((key) => (key.revokedAt = between))).toMatchObject({
      id: 'keys-at-anchor',
      reason: expect.stringMatching(/revoked/),
    });
    // A key retired (not revoked) before the anchor: within the bundle's anchor grace it still vouches; without, it does not.
    expect(withLandKey((key) => (key.validUntil = between))).toBeUndefined();
    const noGrace = structuredClone(bundle);
    noGrace.anchorGraceSeconds = 0;
    noGrace.departments
      .find((d) => d.id === 'land')!
      .keys.find((k) => k.keyId === receipt.entry.envelope.keyid)!.validUntil = between;
    expect(verifyReceipt(receipt, noGrace, verifyEd25519Node).failure).toMatchObject({
      id: 'keys-at-anchor',
      reason: expect.stringMatching(/retired at .*anchor grace of 0 s/),
    });
  });

  it(
    'the CLI verifies a receipt offline, and names the first failed check of a tampered one',
    async () => {
      const receipt = await receiptOf(firstParcel);
      const good = join(stack.local, 'receipt.json');
      writeFileSync(good, JSON.stringify(receipt));
      const valid = await cli(stack, 'verify', good);
      expect(valid.out).toMatch(/^VALID {2}gov\.land\.parcel\.registered\.v1/);
      expect(valid.out).toMatch(/witnessed: credit\b/);
      expect(valid.out).toMatch(/withheld: {2}owners/);
      expect(valid.out).toMatch(/does not prove\s+that it is still current/);
      // The root it trusted, by fingerprint: the stack's, given with --root.
      const root = rootFingerprint(fromBase64(readFileSync(join(stack.local, 'trust-root.pub'), 'utf8').trim()));
      expect(valid.out).toContain(`  root:      ${root}\n`);
      expect(valid.status).toBe(0);

      const bad = join(stack.local, 'receipt-bad.json');
      const tampered = structuredClone(receipt);
      tampered.entry.disclosure.fields.location = 'Tbilisi';
      writeFileSync(bad, JSON.stringify(tampered));
      const invalid = await cli(stack, 'verify', bad, '--json');
      expect(invalid.status).toBe(1);
      expect(JSON.parse(invalid.out)).toMatchObject({ ok: false, failure: { id: 'entry-data' } });

      const missing = await cli(stack, 'verify', join(stack.local, 'no-such-receipt.json'));
      expect(missing.status).toBe(2);
      expect(missing.out).toMatch(/cannot read/);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'exports the whole ledger with its anchors, which verifies offline; an edited line does not',
    async () => {
      const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
      await stack.eventually('the whole land chain anchored', async () =>
        (await anchorsOf('land')).some((row) => Number(row.tree_size) >= head.treeSize) ? true : undefined,
      );
      const auditor = await stack.token('land', 'auditor', 'auditor:export');
      const answer = await fetch(`${stack.get('land').url}/v1/ledger/export`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      expect(answer.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const text = await answer.text();
      expect(text).not.toContain('secret-owner');
      const lines = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LedgerExportLine);
      const verdict = verifyLedgerExport(lines, stack.trustBundle(), verifyEd25519Node);
      expect(verdict.failure).toBeUndefined();
      expect(verdict).toMatchObject({ ok: true, chain: 'land' });
      expect(verdict.entries).toBeGreaterThanOrEqual(head.treeSize);
      expect(verdict.witnessed.length).toBeGreaterThan(0);

      const file = join(stack.local, 'land-ledger.jsonl');
      writeFileSync(file, text);
      // Every check passes; with no outside checkpoint to hold it to, its freshness is unchecked (exit 4).
      const valid = await cli(stack, 'verify-ledger', file);
      expect(valid.out).toMatch(/^VALID \(freshness unchecked\) {2}the land ledger/);
      expect(valid.status).toBe(4);

      // An auditor's copy edited afterwards: an entry dropped from the middle.
      const dropped = text.split('\n');
      dropped.splice(3, 1);
      writeFileSync(file, dropped.join('\n'));
      const invalid = await cli(stack, 'verify-ledger', file, '--json');
      expect(invalid.status).toBe(1);
      expect(JSON.parse(invalid.out)).toMatchObject({ ok: false, failure: { id: 'format' } });
      // …and with the header adjusted to match, the chain itself gives it away.
      const header = JSON.parse(dropped[0]!) as { entries: number };
      dropped[0] = JSON.stringify({ ...header, entries: header.entries - 1 });
      writeFileSync(file, dropped.join('\n'));
      const relinked = await cli(stack, 'verify-ledger', file, '--json');
      expect(relinked.status).toBe(1);
      expect(JSON.parse(relinked.out)).toMatchObject({ ok: false, failure: { id: 'entry-position', at: 'entry 3' } });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it('resumes after a notary restart without re-anchoring or skipping', async () => {
    await stack.stopOne('notary');
    await register(7, 6);
    await stack.start(['notary']);
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    const anchors = await stack.eventually('an anchor of the whole land chain', async () => {
      const rows = await anchorsOf('land');
      return rows.some((row) => Number(row.tree_size) >= head.treeSize) ? rows : undefined;
    });
    const sizes = anchors.map((row) => Number(row.tree_size));
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    expect(new Set(sizes).size).toBe(sizes.length);
    // Each anchor links to the previous anchor of its chain.
    for (const [i, row] of anchors.entries())
      expect(row.previous ?? undefined).toBe(i === 0 ? undefined : anchors[i - 1]!.seq);
  });

  it('reports anchoring in its metrics: entries beyond the anchor, the notary’s lag per chain', async () => {
    const metrics = async (department: string) => {
      const response = await fetch(`${stack.get(department).url}/metrics`);
      return response.text();
    };
    expect(await metrics('land')).toMatch(/^registry_bus_unanchored_entries\{chain="land",department="land"\} \d+$/m);
    expect(await metrics('land')).toMatch(/^registry_bus_unwitnessed_entries\{chain="land",department="land"\} \d+$/m);
    expect(await metrics('notary')).toMatch(
      /^registry_bus_notary_anchoring_lag_seconds_count\{[^}]*chain="land"[^}]*\} [1-9]\d*$/m,
    );
    expect(await metrics('notary')).not.toMatch(/^registry_bus_alarms\{/m);
    // Entries ingested: the rate of this counter.
    expect(await metrics('notary')).toMatch(
      /^registry_bus_consumer_records_total\{[^}]*topic="gov\.land\.ledger\.v2"[^}]*outcome="applied"[^}]*\} [1-9]\d*$/m,
    );
  });

  const alarmsOf = async (department: string, kind: string): Promise<Array<{ detail: string }>> =>
    stack.get(department).runtime.dataSource.query(
      `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'detail' AS detail
         FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.chain = $1 AND e.type = $2 AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'kind' = $3`,
      [department, `gov.${department}.alarm.raised.v1`, kind],
    );

  /** Waits until land's own verify holds it to a witnessed anchor covering everything up to now; returns that size. */
  const anchoredWhole = async () => {
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    const auditor = await stack.token('land', 'auditor', 'auditor:anchored');
    await stack.eventually('the whole land chain anchored and witnessed', async () => {
      const verify = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
      const anchor = verify.body.anchor as { treeSize: number; witnessedBy: string[] } | null;
      return anchor && anchor.treeSize >= head.treeSize && anchor.witnessedBy.length > 0 ? true : undefined;
    });
    return head.treeSize;
  };

  it('catches a tail cut and rewritten without republishing: the notary finds the ledger shorter than it published', async () => {
    await register(50, 3);
    const size = await anchoredWhole();
    // A superuser cuts the last 3 entries and appends 2 others: seqs below the relay's cursor are never published.
    await stack.rewriteTail('land', size - 3, false);
    await register(40, 2);
    const alarm = await stack.eventually('a head-mismatch alarm of the notary', async () => {
      const rows = await alarmsOf('notary', 'head-mismatch');
      return rows.find((row) => row.detail.startsWith('land '));
    });
    // Shorter than what it published — or, when land's own cosignatures refilled those numbers meanwhile,
    // a different root at a size the notary holds: either way the head check names the rewrite.
    if (/tail was removed/.test(alarm.detail)) {
      const published = Number(/land published (\d+) entries/.exec(alarm.detail)?.[1]);
      expect(published).toBeGreaterThanOrEqual(size);
    } else {
      expect(alarm.detail).toMatch(/land signed root [0-9a-f]{64} .* the notary's copy of what it published has root/);
    }
    // Its own verify holds it to the witnessed anchor: the anchored size is no longer there.
    const auditor = await stack.token('land', 'auditor', 'auditor:cut');
    const verify = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
    expect(verify.body).toMatchObject({ ok: false, anchor: { matches: false } });
    expect(verify.body.reason).toMatch(/tail was removed|history was rewritten/);
  });

  it('catches a rewrite that is republished: an equivocation for the notary and the witness, and its own verify', async () => {
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    await stack.rewriteTail('land', head.treeSize - 2, true);
    await register(30, 4);

    const notaryAlarm = await stack.eventually('an equivocation alarm of the notary', async () => {
      const rows = await alarmsOf('notary', 'equivocation');
      return rows[0];
    });
    expect(notaryAlarm.detail).toMatch(/land/);
    // The witness credit saw the same numbers with other contents on land's topic.
    const witnessAlarm = await stack.eventually('an alarm of the witness credit', async () => {
      const rows = [...(await alarmsOf('credit', 'equivocation')), ...(await alarmsOf('credit', 'gap'))];
      return rows[0];
    });
    expect(witnessAlarm.detail).toMatch(/land/);
    // The rewritten ledger is consistent with itself, and verify still says it was rewritten.
    const auditor = await stack.token('land', 'auditor', 'auditor:n');
    const verify = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
    expect(verify.body).toMatchObject({ ok: false, anchor: { matches: false } });
    expect(verify.body.reason).toMatch(/history was rewritten/);
    const notaryMetrics = await (await fetch(`${stack.get('notary').url}/metrics`)).text();
    expect(notaryMetrics).toMatch(/^registry_bus_alarms\{[^}]*kind="(head-mismatch|equivocation)"[^}]*\} [1-9]/m);
  });
});
