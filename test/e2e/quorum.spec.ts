import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { cosignCheckpoint, formatNote, parseNote, verifyEd25519Node, type NoteSignature } from '@registry-bus/protocol';
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
 * The witness quorum (#13) on the checkpoints' cosignatures (#23), with the
 * default rule (every department but the owner and the notary is eligible; a
 * strict majority of them, 3 of 4, is the quorum) on real Kafka and
 * Postgres: every chain is cosigned by the four other departments, none of
 * them granted to read it, and its receipts are VALID; the owner's own
 * cosignature verifies and is not counted; a receipt stripped of its
 * checkpoint, left with the owner's cosignature only or with two witnesses'
 * is below quorum, with the CLI's own exit code; a forged cosignature is
 * INVALID.
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

  /** The checkpoint's note with only the signatures `keep` accepts (the notary's always kept), and `add` after them. */
  const withSignatures = (checkpoint: string, keep: (name: string) => boolean, add: NoteSignature[] = []) => {
    const note = parseNote(checkpoint);
    const signatures = note.signatures.filter((s) => s.name === 'notary' || keep(s.name));
    return formatNote({ text: note.text, signatures: [...signatures, ...add] });
  };
  /** A cosignature of the checkpoint by the chain's owner, with its own key: what a department can add to its receipts. */
  const ownCosignature = (department: string, checkpoint: string) => {
    const signer = stack.get(department).runtime.signer;
    return cosignCheckpoint(
      parseNote(checkpoint).text,
      department,
      signer.publicKey,
      Math.floor(Date.now() / 1000),
      (m) => signer.sign(m),
    );
  };
  const allFourCosigned = (verdict: ReceiptVerdict) =>
    verdict.verdict === 'valid' && verdict.quorum!.counted.length === 4;

  it("the court's chain reaches its quorum from the checkpoint's cosignatures; the court's own does not count", async () => {
    const receipt = await receiptOf('court', courtSeq, allFourCosigned);
    // Witnesses write no cosignature entries any more (#23): the checkpoint carries them.
    expect(receipt.cosignatures).toEqual([]);
    const sut = verdictOf(receipt);
    expect(sut).toMatchObject({ ok: true, verdict: 'valid' });
    expect(sut.quorum!.required).toBe(3);
    expect([...sut.quorum!.counted].sort()).toEqual(['bond', 'credit', 'diploma', 'land']);
    expect(sut.quorum!.text).toBe('quorum: 4 of 3 independent cosignatures');
    const run = await cli('court', receipt);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/^VALID {2}gov\.court\.case\.opened\.v1/m);

    // The court adds its own cosignature: it verifies, and is not counted.
    const withOwn = {
      ...receipt,
      checkpoint: withSignatures(receipt.checkpoint!, () => true, [await ownCosignature('court', receipt.checkpoint!)]),
    };
    expect(verdictOf(withOwn).quorum!.ignored).toEqual([{ witness: 'court', why: "court's own does not count" }]);
    expect(verdictOf(withOwn).quorum!.counted).toHaveLength(4);

    // A forged cosignature spoils a receipt that had its quorum: INVALID, not merely short.
    const lines = receipt.checkpoint!.split('\n');
    const last = lines.length - 2;
    lines[last] =
      `${lines[last]!.slice(0, -6)}${lines[last]!.slice(-6, -5) === 'A' ? 'B' : 'A'}${lines[last]!.slice(-5)}`;
    const forged = { ...receipt, checkpoint: lines.join('\n') };
    expect(verdictOf(forged)).toMatchObject({ ok: false, verdict: 'invalid', failure: { id: 'checkpoint' } });
    const invalid = await cli('forged', forged);
    expect(invalid.status).toBe(1);
    expect(invalid.out).toMatch(/^INVALID {2}gov\.court\.case\.opened\.v1/m);
  }, 90_000);

  it('GET /v1/ledger/verify holds the court and land to an anchor with its quorum, the owner never counted', async () => {
    for (const chain of ['court', 'land']) {
      const auditor = await stack.token(chain, 'auditor', `auditor:quorum-${chain}`);
      const verified = await stack.eventually(`${chain} verified against an anchor with its quorum`, async () => {
        const body = (await stack.call(chain, 'GET', '/v1/ledger/verify', { token: auditor }))
          .body as unknown as Verified;
        return body.anchor?.quorum.met && body.anchor.quorum.counted.length === 4 ? body : undefined;
      });
      expect(verified.ok).toBe(true);
      expect(verified.anchor).toMatchObject({ matches: true, quorum: { required: 3, met: true } });
      const others = ['bond', 'court', 'credit', 'diploma', 'land'].filter((d) => d !== chain);
      expect([...verified.anchor!.quorum.counted].sort()).toEqual(others);
      expect(verified.anchor!.quorum.shortfall).toBeUndefined();
    }
  }, 60_000);

  it("a diploma receipt left with the owner's own cosignature only is below quorum and says so", async () => {
    const receipt = await receiptOf('diploma', diplomaSeq, allFourCosigned);
    const ownOnly = {
      ...receipt,
      checkpoint: withSignatures(receipt.checkpoint!, () => false, [
        await ownCosignature('diploma', receipt.checkpoint!),
      ]),
    };
    const sut = verdictOf(ownOnly);
    expect(sut).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(sut.failure).toBeUndefined();
    expect(sut.summary.witnessedBy).toEqual(['diploma']);
    expect(sut.quorum!.shortfall).toBe("quorum: 0 of 3 independent cosignatures (diploma's own does not count)");
    const run = await cli('diploma', ownOnly);
    expect(run.status).toBe(3);
    expect(run.out).toMatch(/^VALID — below quorum \(witnessed by diploma\) {2}gov\.diploma\.institution\./m);
    expect(run.out).toContain(
      "quorum: 0 of 3 independent cosignatures (diploma's own does not count) — not yet confirmed",
    );
  }, 60_000);

  it("land's receipt: below quorum stripped of its checkpoint, or with two witnesses' cosignatures kept", async () => {
    const receipt = await receiptOf('land', landSeq, allFourCosigned);
    // Stripped of every checkpoint: its anchor's, and the latest quorum checkpoint it may carry besides (#24).
    const { checkpoint, latest: _latest, ...stripped } = receipt;
    expect(verdictOf(stripped as Receipt)).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(verdictOf(stripped as Receipt).quorum!.shortfall).toBe('quorum: 0 of 3 independent cosignatures');
    const strippedRun = await cli('stripped', stripped as Receipt);
    expect(strippedRun.status).toBe(3);
    expect(strippedRun.out).toMatch(/^VALID — below quorum \(witnessed by no department\) {2}gov\.land\.parcel/m);

    const two = {
      ...stripped,
      checkpoint: withSignatures(checkpoint!, (name) => name === 'court' || name === 'bond'),
    } as Receipt;
    expect(verdictOf(two)).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect([...verdictOf(two).quorum!.counted].sort()).toEqual(['bond', 'court']);
    expect(verdictOf(two).quorum!.shortfall).toBe('quorum: 2 of 3 independent cosignatures');
    const twoRun = await cli('two', two);
    expect(twoRun.status).toBe(3);
  }, 60_000);
});
