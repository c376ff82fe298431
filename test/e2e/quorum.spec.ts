import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { verifyEd25519Node } from '@registry-bus/protocol';
import { verifyReceipt, type Receipt, type ReceiptVerdict } from '@registry-bus/receipts';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

interface Verified {
  ok: boolean;
  anchor: {
    treeSize: number;
    witnessedBy: string[];
    matches: boolean;
    quorum: { required: number; counted: string[]; met: boolean; shortfall?: string };
  } | null;
}

/**
 * The witness quorum on today's cosignatures, with the default rule (every
 * department but the owner and the notary is eligible; a strict majority of
 * them, 3 of 4, is the quorum) on real Kafka and Postgres: the court's chain,
 * followed by land, diploma and credit, reaches it and its receipt is VALID;
 * nobody follows the diploma registry, so its receipts stay below quorum and
 * say why; land (followed by credit alone) likewise; a receipt stripped of
 * cosignatures or left with the owner's only is below quorum, with the CLI's
 * own exit code; a forged cosignature is INVALID.
 */
describe('a witness quorum that cannot be gamed', () => {
  const stack = new DepartmentStack();
  stack.witnessing = [];
  let courtSeq: number;
  let diplomaSeq: number;
  let landSeq: number;

  /** The CLI in a child process, without blocking this one (the apps under test run in it). */
  const cli = (name: string, receipt: Receipt) => {
    const file = join(stack.local, `quorum-${name}.json`);
    writeFileSync(file, JSON.stringify(receipt));
    const child = spawn(process.execPath, [
      'bin/registry-bus.mjs',
      'verify',
      file,
      '--trust',
      join(stack.local, 'trust-bundle.json'),
      '--root',
      join(stack.local, 'trust-root.pub'),
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 60_000);
    return new Promise<{ status: number | null; out: string }>((resolve) =>
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, out });
      }),
    );
  };
  const verdictOf = (receipt: Receipt) => verifyReceipt(receipt, stack.trustBundle(), verifyEd25519Node);
  /** The receipt of `seq`, once the builder has one whose verdict `done` accepts. */
  const receiptOf = (department: string, seq: number, done: (verdict: ReceiptVerdict, receipt: Receipt) => boolean) =>
    stack.eventually(
      `a receipt of ${department} ${seq}`,
      async () => {
        const answer = await stack.call(department, 'GET', `/v1/ledger/entries/${seq}/receipt`);
        const receipt = answer.body as unknown as Receipt;
        return answer.status === 200 && done(verdictOf(receipt), receipt) ? receipt : undefined;
      },
      45_000,
    );
  const firstSeq = (body: Record<string, unknown>) => (body.entries as Array<{ seq: number }>)[0]!.seq;

  /** What the six apps logged while they started: a healthy start says nothing alarming. */
  let startLogs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    stack.captureLogs = true;
    await stack.start(['land', 'credit', 'diploma', 'court', 'bond']);
    await stack.start(['notary']);
    startLogs = [...stack.logs];
    // The demo's grants of the court's orders: land, diploma and credit read the court's ledger.
    await stack.grant('court', 'land', ['gov.court.seizure.*', 'gov.court.seizure-release.*']);
    await stack.grant('court', 'diploma', ['gov.court.diploma-annulment.*']);
    await stack.grant('court', 'credit', ['gov.court.pledge-ban.*']);
    const judge = await stack.token('court', 'clerk', 'clerk:court-q');
    const opened = await stack.call('court', 'POST', '/v1/cases', {
      token: judge,
      body: {
        caseNumber: 'C-Q-2026',
        parties: [{ partyId: 'org:prosecutor', role: 'prosecutor' }],
        subject: 'quorum',
        basis: { documentType: 'court-decision', reference: 'C-Q/2026' },
      },
    });
    expect(opened.status).toBe(201);
    courtSeq = firstSeq(opened.body);
    const ministry = await stack.token('diploma', 'admin', 'admin:quorum');
    const institution = await stack.call('diploma', 'POST', '/v1/institutions', {
      token: ministry,
      body: {
        institutionId: 'inst:q',
        name: 'Quorum University',
        accreditation: 'NCEQE-Q',
        basis: { documentType: 'academic-decision', reference: 'AD-Q' },
      },
    });
    expect(institution.status).toBe(201);
    diplomaSeq = firstSeq(institution.body);
    const clerk = await stack.token('land', 'clerk', 'clerk:quorum');
    const parcel = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: surveyedParcel('Q-1', 'S-Q'),
    });
    expect(parcel.status).toBe(201);
    landSeq = firstSeq(parcel.body);
  });

  afterAll(() => stack.stop());

  it('a healthy start of all six apps logs no warn or error line at info (and no route listing)', () => {
    expect(startLogs.length).toBeGreaterThan(0);
    const loud = startLogs
      .filter((line) => line.level === 'warn' || line.level === 'error' || line.level === 'fatal')
      .map(
        (line) => `${String(line.service)} ${String(line.level)}: ${String(line.msg)} (${String(line.error ?? '')})`,
      );
    expect(loud).toEqual([]);
    expect(startLogs.filter((line) => line.context === 'RouterExplorer')).toEqual([]);
  });

  it("the court's chain reaches its quorum: land, diploma and credit cosign, the court's own does not count", async () => {
    const receipt = await receiptOf('court', courtSeq, (verdict) => verdict.verdict === 'valid');
    const sut = verdictOf(receipt);
    expect(sut).toMatchObject({ ok: true, verdict: 'valid' });
    expect(sut.quorum!.required).toBe(3);
    expect([...sut.quorum!.counted].sort()).toEqual(['credit', 'diploma', 'land']);
    expect(sut.quorum!.ignored).toEqual([{ witness: 'court', why: "court's own does not count" }]);
    expect(sut.quorum!.text).toBe("quorum: 3 of 3 independent cosignatures (court's own does not count)");
    const run = await cli('court', receipt);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/^VALID {2}gov\.court\.case\.opened\.v1/m);

    // A forged cosignature spoils a receipt that had its quorum: INVALID, not merely short.
    const forged = structuredClone(receipt);
    const witness = forged.cosignatures.findIndex((c) => c.envelope.chain === 'land');
    const fields = forged.cosignatures[witness]!.disclosure.fields as Record<string, string>;
    fields.root = 'ab'.repeat(32);
    expect(verdictOf(forged)).toMatchObject({ ok: false, verdict: 'invalid' });
    expect(verdictOf(forged).failure!.id).toBe(`cosignature-${witness}-data`);
    const invalid = await cli('forged', forged);
    expect(invalid.status).toBe(1);
    expect(invalid.out).toMatch(/^INVALID {2}gov\.court\.case\.opened\.v1/m);
  }, 90_000);

  it('GET /v1/ledger/verify holds the court to an anchor with its quorum, and shows land short of it', async () => {
    const auditor = await stack.token('court', 'auditor', 'auditor:quorum');
    const court = await stack.eventually('court verified against an anchor with its quorum', async () => {
      const body = (await stack.call('court', 'GET', '/v1/ledger/verify', { token: auditor }))
        .body as unknown as Verified;
      return body.anchor?.quorum.met ? body : undefined;
    });
    expect(court.ok).toBe(true);
    expect(court.anchor).toMatchObject({ matches: true, quorum: { required: 3, met: true } });
    expect([...court.anchor!.quorum.counted].sort()).toEqual(['credit', 'diploma', 'land']);
    expect(court.anchor!.quorum.shortfall).toBeUndefined();

    const landAuditor = await stack.token('land', 'auditor', 'auditor:quorum');
    const land = await stack.eventually('land verified against a witnessed anchor', async () => {
      const body = (await stack.call('land', 'GET', '/v1/ledger/verify', { token: landAuditor }))
        .body as unknown as Verified;
      return body.anchor?.witnessedBy.includes('credit') ? body : undefined;
    });
    // Consistent with itself and with the anchor (ok), and visibly short of the quorum.
    expect(land.ok).toBe(true);
    expect(land.anchor).toMatchObject({ matches: true, quorum: { required: 3, counted: ['credit'], met: false } });
    expect(land.anchor!.quorum.shortfall).toBe("quorum: 1 of 3 independent cosignatures (land's own does not count)");
  }, 60_000);

  it('the diploma registry, which nobody follows, stays below quorum and says so', async () => {
    const receipt = await receiptOf('diploma', diplomaSeq, (_, found) => found.cosignatures.length > 0);
    const sut = verdictOf(receipt);
    expect(sut).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(sut.failure).toBeUndefined();
    expect(sut.summary.witnessedBy).toEqual(['diploma']);
    expect(sut.quorum!.shortfall).toBe("quorum: 0 of 3 independent cosignatures (diploma's own does not count)");
    const run = await cli('diploma', receipt);
    expect(run.status).toBe(3);
    expect(run.out).toMatch(/^VALID — below quorum \(witnessed by diploma\) {2}gov\.diploma\.institution\./m);
    expect(run.out).toContain(
      "quorum: 0 of 3 independent cosignatures (diploma's own does not count) — not yet confirmed",
    );
  }, 60_000);

  it("land's receipt: short with credit alone, and below quorum stripped or left with land's own only", async () => {
    const receipt = await receiptOf('land', landSeq, (verdict) => verdict.summary.witnessedBy.includes('credit'));
    expect(verdictOf(receipt)).toMatchObject({ verdict: 'below-quorum', quorum: { counted: ['credit'] } });
    expect(verdictOf(receipt).quorum!.shortfall).toBe(
      "quorum: 1 of 3 independent cosignatures (land's own does not count)",
    );

    const stripped = { ...receipt, cosignatures: [] };
    expect(verdictOf(stripped)).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(verdictOf(stripped).quorum!.shortfall).toBe('quorum: 0 of 3 independent cosignatures');
    const strippedRun = await cli('stripped', stripped);
    expect(strippedRun.status).toBe(3);
    expect(strippedRun.out).toMatch(/^VALID — below quorum \(witnessed by no department\) {2}gov\.land\.parcel/m);

    const ownOnly = { ...receipt, cosignatures: receipt.cosignatures.filter((c) => c.envelope.chain === 'land') };
    expect(ownOnly.cosignatures).toHaveLength(1);
    expect(verdictOf(ownOnly)).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(verdictOf(ownOnly).quorum!.shortfall).toBe(
      "quorum: 0 of 3 independent cosignatures (land's own does not count)",
    );
    const ownRun = await cli('own-only', ownOnly);
    expect(ownRun.status).toBe(3);
    expect(ownRun.out).toMatch(/^VALID — below quorum \(witnessed by land\) {2}gov\.land\.parcel/m);
  }, 60_000);
});
