import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  NoteSignatureType,
  cosignCheckpoint,
  formatSignatureLine,
  formatVerifierKey,
  parseAddCheckpoint,
  testSigner,
  witnessesOf,
  formatAddCheckpoint,
  formatCheckpoint,
  formatNote,
  fromBase64,
  fromHex,
  toHex,
  noteKeyId,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  randomBytes,
  signNoteEd25519,
  verifyCosignatures,
  verifyEd25519Node,
  type NoteVerifierKey,
} from '@registry-bus/protocol';
import { verifyReceipt, type Receipt } from '@registry-bus/receipts';
import { goCheck } from '@registry-bus/testing';
import { consistencyProof, rootFromLeaves, verifyConsistency } from '@registry-bus/merkle';
import pg from 'pg';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

const CHAINS = ['land', 'diploma', 'court', 'credit', 'bond'] as const;
const ORIGIN = (chain: string) => `registry-bus.test/${chain}`;

/**
 * Witnesses that need no data (issue #23, C2SP tlog-witness), on real Kafka
 * and Postgres with five departments and the notary: no department grants
 * any other a thing, yet every chain's checkpoint is cosigned by a quorum of
 * the departments other than its owner — the notary pushes each checkpoint
 * with a consistency proof, and each witness checks the proof against the
 * last checkpoint it cosigned. A checkpoint that rewrites a chain is refused
 * and alarmed by every witness; a witness that lost its state restores it
 * from the last checkpoint it cosigned (the notary keeps it, the witness's
 * own cosignature proves it), and refuses the origin, naming it, when there
 * is none.
 */
describe('witnesses that need no data', () => {
  const stack = new DepartmentStack();
  // The default rule: every department but the owner and the notary is eligible, 3 of 4 make the quorum.
  stack.witnessing = [];
  stack.notary.checkpointWitnessing = true;
  /**
   * An outside witness — another body's C2SP witness, none of our code —
   * named only in the trust bundle: a plain HTTP server of this test that
   * cosigns what it is sent with its own key.
   */
  const OUTSIDE = 'witness.test/outside';
  const outsideKey = testSigner('outside', 'witness');
  const outsideSeen: number[] = [];
  const outside = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        const { checkpoint } = parseAddCheckpoint(body);
        const text = parseNote(checkpoint).text;
        outsideSeen.push(parseCheckpoint(text).size);
        const c = await cosignCheckpoint(
          text,
          OUTSIDE,
          outsideKey.publicKey,
          Math.floor(Date.now() / 1000),
          outsideKey.sign,
        );
        response
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(`${formatSignatureLine(c.name, c.keyId, c.signature)}\n`);
      })();
    });
  });
  const DEPARTMENT_WITNESSES = (chain: string) => CHAINS.filter((department) => department !== chain);
  const WITNESSES = (chain: string) => [...DEPARTMENT_WITNESSES(chain), OUTSIDE];

  const checkpointOf = async (chain: string) => {
    const answer = await fetch(`${stack.get('notary').url}/v1/checkpoints/${chain}`);
    return { status: answer.status, body: await answer.text() };
  };
  let keys: NoteVerifierKey[] = [];
  let vkeyLines: string[] = [];
  /** The witnesses whose cosignatures on the served checkpoint verify under the published keys. */
  const cosignersOf = (note: string) => {
    const parsed = parseNote(note);
    return keys
      .filter((key) => key.type === NoteSignatureType.COSIGNATURE_V1 && verifyCosignatures(parsed, key).length > 0)
      .map((key) => key.name)
      .sort();
  };
  const quorumCheckpoint = (chain: string) =>
    stack.eventually(
      `a checkpoint of ${chain} cosigned by 3 witnesses`,
      async () => {
        const served = await checkpointOf(chain);
        return served.status === 200 && cosignersOf(served.body).length >= 3 ? served.body : undefined;
      },
      60_000,
    );
  const addCheckpoint = async (witness: string, body: string) => {
    const answer = await fetch(`${stack.get(witness).url}/v1/witness/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    return { status: answer.status, type: answer.headers.get('content-type') ?? '', body: await answer.text() };
  };
  /** A checkpoint of `chain` signed with the notary's own key: what a stolen key, or a dishonest notary, can make. */
  const notarySigned = async (
    chain: string,
    size: number,
    rootHash: Uint8Array,
    signer = stack.get('notary').runtime.signer,
  ) => {
    const text = formatCheckpoint({ origin: ORIGIN(chain), size, rootHash });
    const signature = await signNoteEd25519(text, 'notary', signer.publicKey, (m) => signer.sign(m));
    return formatNote({ text, signatures: [signature] });
  };
  const alarmsOf = async (department: string) => {
    const auditor = await stack.token(department, 'auditor', `auditor:${department}-witnessing`);
    const answer = await stack.call(department, 'GET', '/v1/ledger/entries?limit=1000', { token: auditor });
    return (
      answer.body.entries as Array<{ envelope: { type: string }; data: { fields: Record<string, string> } | null }>
    )
      .filter((entry) => entry.envelope.type === `gov.${department}.alarm.raised.v1`)
      .map((entry) => entry.data!.fields);
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
    stack.outsideWitnesses = [
      {
        name: OUTSIDE,
        url: `http://127.0.0.1:${(outside.address() as AddressInfo).port}/witness`,
        key: formatVerifierKey(OUTSIDE, NoteSignatureType.COSIGNATURE_V1, outsideKey.publicKey),
      },
    ];
    await stack.start([...CHAINS]);
    await stack.start(['notary']);
    const clerk = await stack.token('land', 'clerk', 'clerk:witnessing');
    expect(
      (await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: surveyedParcel('W-1', 'S-W') })).status,
    ).toBe(201);
    const ministry = await stack.token('diploma', 'admin', 'admin:witnessing');
    const institution = await stack.call('diploma', 'POST', '/v1/institutions', {
      token: ministry,
      body: {
        institutionId: 'inst:w',
        name: 'Witness University',
        accreditation: 'NCEQE-W',
        basis: { documentType: 'academic-decision', reference: 'AD-W' },
      },
    });
    expect(institution.status).toBe(201);
    const judge = await stack.token('court', 'clerk', 'clerk:court-w');
    const opened = await stack.call('court', 'POST', '/v1/cases', {
      token: judge,
      body: {
        caseNumber: 'C-W-2026',
        parties: [{ partyId: 'org:prosecutor', role: 'prosecutor' }],
        subject: 'witnessing',
        basis: { documentType: 'court-decision', reference: 'C-W/2026' },
      },
    });
    expect(opened.status).toBe(201);
    await stack.bankWithLoan('bank:w', 'loan-w', 'person:w', await stack.token('credit', 'clerk', 'clerk:w', 'bank:w'));
    const regulator = await stack.token('bond', 'admin', 'admin:w-regulator');
    const issuer = await stack.call('bond', 'POST', '/v1/issuers', {
      token: regulator,
      body: {
        issuerId: 'issuer:w',
        name: 'Witness Issuer',
        basis: { documentType: 'administrative-act', reference: 'NBG-W' },
      },
    });
    expect(issuer.status).toBe(201);
    const published = await fetch(`${stack.get('notary').url}/v1/checkpoints/keys`);
    vkeyLines = (await published.text()).trimEnd().split('\n');
    keys = vkeyLines.map(parseVerifierKey);
  });

  afterAll(async () => {
    await stack.stop();
    outside.close();
  });

  it('publishes a cosignature key (type 0x04) for each department: its key in the trust bundle', () => {
    const bundle = stack.trustBundle();
    expect(keys[0]).toMatchObject({ name: 'notary', type: NoteSignatureType.ED25519 });
    for (const department of CHAINS) {
      const trusted = bundle.departments.find((d) => d.id === department)!.keys[0]!;
      const key = keys.find((k) => k.name === department)!;
      expect(key.type).toBe(NoteSignatureType.COSIGNATURE_V1);
      expect(Buffer.from(key.publicKey).toString('base64')).toBe(trusted.publicKey);
      expect(key.keyId).toBe(noteKeyId(department, 0x04, fromBase64(trusted.publicKey)));
    }
  });

  it('pushes to the outside witness named in the bundle, and counts its cosignature like a department’s', async () => {
    expect(keys.find((key) => key.name === OUTSIDE)).toMatchObject({ type: NoteSignatureType.COSIGNATURE_V1 });
    const note = await stack.eventually('a checkpoint cosigned by the outside witness', async () => {
      const served = await checkpointOf('court');
      return served.status === 200 && cosignersOf(served.body).includes(OUTSIDE) ? served.body : undefined;
    });
    expect(outsideSeen.length).toBeGreaterThan(0);
    // Eligible by the default rule: four departments and the outside witness, 3 of 5 make the quorum.
    expect(witnessesOf(stack.trustBundle(), 'court')).toMatchObject({
      eligible: ['land', 'diploma', 'credit', 'bond', OUTSIDE],
      required: 3,
    });
    expect(parseCheckpoint(parseNote(note).text).origin).toBe(ORIGIN('court'));
  });

  it('every chain’s checkpoint is cosigned by a quorum of departments other than its owner, none granted to read it', async () => {
    for (const chain of CHAINS) {
      const admin = await stack.token(chain, 'admin', `admin:${chain}-grants-w`);
      const given = await stack.call(chain, 'GET', '/v1/access/grants/given', { token: admin });
      expect(given.status).toBe(200);
      expect(given.body).toEqual([]);
    }
    for (const chain of CHAINS) {
      const note = await quorumCheckpoint(chain);
      const cosigners = cosignersOf(note);
      expect(cosigners.length).toBeGreaterThanOrEqual(3);
      expect(cosigners).not.toContain(chain);
      for (const cosigner of cosigners) expect(WITNESSES(chain)).toContain(cosigner);
      expect(parseCheckpoint(parseNote(note).text).origin).toBe(ORIGIN(chain));

      // Code nobody here wrote agrees: Go's sumdb/note opens the note with the notary's key, and the C2SP-text
      // verifier (Go) checks each cosignature with the witness's published 0x04 key.
      const vkeys = [vkeyLines[0]!, ...cosigners.map((name) => vkeyLines.find((l) => l.startsWith(`${name}+`))!)];
      const checked = goCheck({ mode: 'note', note, vkeys });
      expect(checked.status).toBe(0);
      expect(checked.answer.signed).toContain('notary');
      expect(Object.keys(checked.answer.cosigned as Record<string, number>).sort()).toEqual(cosigners);
    }
  });

  it('the notary serves consistency proofs of the chains it follows, the same as the owner’s, hashes only', async () => {
    const held = parseCheckpoint(parseNote(await quorumCheckpoint('court')).text);
    const from = Math.max(1, held.size - 2);
    const proofOf = async (app: string) => {
      const answer = await fetch(
        `${stack.get(app).url}/v1/ledger/consistency?from=${from}&to=${held.size}&chain=court`,
      );
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    const owner = await proofOf('court');
    const notary = await proofOf('notary');
    expect(notary).toEqual(owner);
    expect(notary.status).toBe(200);
    // The proof joins the court's tree at `from` to the root the checkpoint carries.
    expect(notary.body.toRoot).toBe(toHex(held.rootHash));
    expect(
      verifyConsistency(
        from,
        held.size,
        fromHex(notary.body.fromRoot as string),
        held.rootHash,
        (notary.body.proof as string[]).map(fromHex),
      ),
    ).toBe(true);
    // Beyond what the notary holds of the chain: a 400 naming `to`; a chain it does not hold: 404.
    const beyond = await fetch(`${stack.get('notary').url}/v1/ledger/consistency?from=0&to=100000&chain=court`);
    expect(beyond.status).toBe(400);
    expect(((await beyond.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('to');
    const unknown = await fetch(`${stack.get('notary').url}/v1/ledger/consistency?from=0&to=1&chain=nobody`);
    expect(unknown.status).toBe(404);
  });

  it('a receipt of the diploma registry, which nobody follows, has its quorum from the checkpoint’s cosignatures', async () => {
    await quorumCheckpoint('diploma');
    const bundle = stack.trustBundle();
    const verdictOf = (receipt: Receipt) => verifyReceipt(receipt, bundle, verifyEd25519Node);
    const receipt = await stack.eventually(
      'a valid diploma receipt',
      async () => {
        const answer = await stack.call('diploma', 'GET', '/v1/ledger/entries/1/receipt');
        const candidate = answer.body as unknown as Receipt;
        return answer.status === 200 && verdictOf(candidate).verdict === 'valid' ? candidate : undefined;
      },
      60_000,
    );
    // No department follows diploma: no cosignature entry exists, the checkpoint carries the quorum.
    expect(receipt.cosignatures.filter((c) => c.envelope.chain !== 'diploma')).toEqual([]);
    expect(parseCheckpoint(parseNote(receipt.checkpoint!).text)).toMatchObject({
      origin: ORIGIN('diploma'),
      size: receipt.inclusion.treeSize,
    });
    const sut = verdictOf(receipt);
    expect(sut.quorum!.counted.length).toBeGreaterThanOrEqual(3);
    expect(sut.quorum!.counted).not.toContain('diploma');
    expect(sut.checks.find((check) => check.id === 'checkpoint')).toMatchObject({ ok: true });

    // Without the checkpoints (the first anchor's, and the latest one the receipt carries beside it, #24), the
    // same receipt is below quorum; with one cosignature's bytes changed, invalid.
    const { checkpoint, latest: _latest, ...stripped } = receipt;
    expect(verdictOf(stripped as Receipt).verdict).toBe('below-quorum');
    const lines = checkpoint!.split('\n');
    const last = lines.length - 2;
    const line = lines[last]!;
    lines[last] = `${line.slice(0, -6)}${line.slice(-6, -5) === 'A' ? 'B' : 'A'}${line.slice(-5)}`;
    const tampered = verdictOf({ ...receipt, checkpoint: lines.join('\n') });
    expect(tampered.verdict).toBe('invalid');
    expect(tampered.failure).toMatchObject({ id: 'checkpoint' });
    // A checkpoint of another size than the anchor's is refused too.
    const other = await quorumCheckpoint('land');
    expect(verdictOf({ ...receipt, checkpoint: other }).failure).toMatchObject({ id: 'checkpoint' });
  });

  it('a checkpoint that rewrites a chain is refused and alarmed by every witness (422), a fork of its size too (409)', async () => {
    const note = await quorumCheckpoint('land');
    const held = parseCheckpoint(parseNote(note).text);
    // The notary's key, stolen, signs a larger land with a made-up root: no proof can join it to what was cosigned.
    const rewritten = await notarySigned('land', held.size + 2, randomBytes(32));
    const bogusProof = [randomBytes(32), randomBytes(32)];
    const fork = await notarySigned('land', held.size, randomBytes(32));
    let forks = 0;
    for (const witness of DEPARTMENT_WITNESSES('land')) {
      const size = await stack.eventually(`${witness}'s size of land`, async () => {
        const probe = await addCheckpoint(
          witness,
          formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: rewritten }),
        );
        return probe.status === 409 ? Number(probe.body) : undefined;
      });
      expect(size).toBeGreaterThanOrEqual(1);
      const refused = await addCheckpoint(
        witness,
        formatAddCheckpoint({ oldSize: size, proof: bogusProof, checkpoint: rewritten }),
      );
      expect(refused.status).toBe(422);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'WITNESS.INCONSISTENT', errors: [{ field: 'proof' }] });
      const forked = await addCheckpoint(witness, formatAddCheckpoint({ oldSize: size, proof: [], checkpoint: fork }));
      // Its own size with another root is a fork (409, its size); a size below its own it cannot judge (400).
      expect(forked.status).toBe(size === held.size ? 409 : 400);
      if (forked.status === 409) {
        expect(forked.type).toMatch(/^text\/x\.tlog\.size/);
        expect(forked.body).toBe(`${held.size}\n`);
        forks += 1;
      }
      const alarms = await stack.eventually(`${witness}'s alarm`, async () => {
        const found = (await alarmsOf(witness)).filter((a) => a.chain === 'land' && a.kind === 'witness-mismatch');
        return found.some((a) => a.detail!.startsWith('checkpoint inconsistent')) ? found : undefined;
      });
      expect(alarms.find((a) => a.detail!.startsWith('checkpoint inconsistent'))).toMatchObject({
        seq: String(held.size + 2),
      });
    }
    // At least one witness held the served size, and took the other root for the fork it is.
    expect(forks).toBeGreaterThanOrEqual(1);
    const forkAlarms = await Promise.all(DEPARTMENT_WITNESSES('land').map((w) => alarmsOf(w)));
    expect(forkAlarms.flat().filter((a) => a.detail!.startsWith('checkpoint fork'))).toHaveLength(forks);
    // The rewritten checkpoint was never cosigned: the notary still serves the real one with its quorum.
    expect(cosignersOf(await quorumCheckpoint('land')).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses what is not the notary’s, not of this deployment, or malformed — and changes nothing', async () => {
    const note = await quorumCheckpoint('court');
    const held = parseCheckpoint(parseNote(note).text);
    // Signed by a department's key, not the notary's: 403.
    const impostor = stack.get('land').runtime.signer;
    const text = formatCheckpoint({ origin: ORIGIN('court'), size: held.size + 1, rootHash: randomBytes(32) });
    const signed = await signNoteEd25519(text, 'notary', impostor.publicKey, (m) => impostor.sign(m));
    const forged = await addCheckpoint(
      'diploma',
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: formatNote({ text, signatures: [signed] }) }),
    );
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ code: 'WITNESS.NOT_SIGNED', errors: [{ field: 'checkpoint' }] });
    // Another deployment's origin: 404.
    const otherText = formatCheckpoint({ origin: 'other.example/court', size: 1, rootHash: randomBytes(32) });
    const notary = stack.get('notary').runtime.signer;
    const other = formatNote({
      text: otherText,
      signatures: [await signNoteEd25519(otherText, 'notary', notary.publicKey, (m) => notary.sign(m))],
    });
    const unknown = await addCheckpoint('diploma', formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: other }));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'WITNESS.UNKNOWN_ORIGIN', errors: [{ field: 'origin' }] });
    // Its own chain: a department never witnesses itself.
    const own = await addCheckpoint('court', formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note }));
    expect(own.status).toBe(404);
    expect(JSON.parse(own.body)).toMatchObject({ code: 'WITNESS.OWN_CHAIN' });
    // An old size beyond the checkpoint: 400 naming `old`; a body that is no request: 400 naming `body`.
    const after = await addCheckpoint(
      'diploma',
      formatAddCheckpoint({ oldSize: held.size + 5, proof: [], checkpoint: note }),
    );
    expect(after.status).toBe(400);
    expect(JSON.parse(after.body)).toMatchObject({ code: 'WITNESS.OLD_AFTER_NEW', errors: [{ field: 'old' }] });
    const garbage = await addCheckpoint('diploma', 'old 01\n\nnot a note');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ code: 'WITNESS.BAD_REQUEST', errors: [{ field: 'body' }] });
    // Nothing moved: diploma still holds the size it cosigned.
    const probe = await addCheckpoint(
      'diploma',
      formatAddCheckpoint({
        oldSize: 0,
        proof: [],
        checkpoint: await notarySigned('court', held.size + 9, randomBytes(32)),
      }),
    );
    expect(probe.status).toBe(409);
    expect(Number(probe.body)).toBeLessThanOrEqual(held.size);
  });

  /** Removes rows from an append-only table as its owner, the guard lifted: a database that lost them. */
  const lose = async (department: string, sql: string, values: unknown[]) => {
    const owner = new pg.Client({ connectionString: stack.get(department).runtime.config.DATABASE_MIGRATIONS_URL });
    await owner.connect();
    const table = /FROM (\w+)/.exec(sql)![1]!;
    try {
      await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await owner.query(sql, values);
      await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    } finally {
      await owner.end();
    }
  };

  it('a witness that lost its state restores it from the last checkpoint it cosigned (its own cosignature the proof)', async () => {
    const note = await quorumCheckpoint('diploma');
    const held = parseCheckpoint(parseNote(note).text);
    await stack.eventually('bond’s cosignature of diploma at the notary', async () =>
      cosignersOf((await checkpointOf('diploma')).body).includes('bond') ? true : undefined,
    );
    // Bond's database loses its witness state of diploma (restored from an older backup, or rebuilt from the topic).
    await lose('bond', 'DELETE FROM witness_checkpoint WHERE origin = $1', [ORIGIN('diploma')]);
    // It knows it held one (beside its key), asks the notary for the last checkpoint it cosigned, checks its own
    // cosignature on it, and holds that size again: a sender naming 0 is told the restored size.
    const probe = await addCheckpoint('bond', formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note }));
    expect(probe.status).toBe(409);
    expect(probe.body).toBe(`${held.size}\n`);
    const again = await addCheckpoint('bond', formatAddCheckpoint({ oldSize: held.size, proof: [], checkpoint: note }));
    expect(again.status).toBe(200);
    expect(again.body).toMatch(/^\u2014 bond [A-Za-z0-9+/=]+\n$/);
  });

  it('a witness that lost its state with nothing to restore it from refuses the origin, naming it, and alarms', async () => {
    const note = await quorumCheckpoint('court');
    const held = parseCheckpoint(parseNote(note).text);
    await stack.eventually('bond’s cosignature of court at the notary', async () =>
      cosignersOf((await checkpointOf('court')).body).includes('bond') ? true : undefined,
    );
    // Both copies gone: bond's state of court, and the notary's record of bond's cosignatures of court.
    await lose('bond', 'DELETE FROM witness_checkpoint WHERE origin = $1', [ORIGIN('court')]);
    await lose('notary', 'DELETE FROM checkpoint_cosignature WHERE chain = $1 AND witness = $2', ['court', 'bond']);
    const refused = await addCheckpoint('bond', formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note }));
    expect(refused.status).toBe(503);
    const problem = JSON.parse(refused.body) as { code: string; detail: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('WITNESS.STATE_LOST');
    expect(problem.errors[0]!.field).toBe('origin');
    expect(problem.detail).toContain(`bond has lost its witness state of ${ORIGIN('court')}`);
    const alarm = await stack.eventually('bond’s state-lost alarm', async () =>
      (await alarmsOf('bond')).find((a) => a.chain === 'court' && a.detail!.startsWith('checkpoint state-lost')),
    );
    // The size of the checkpoint it refused: the one the test sent, or a later one the notary pushed meanwhile
    // (court's chain moves with its own alarm entries of the earlier tests).
    expect(alarm!.kind).toBe('witness-mismatch');
    expect(Number(alarm!.seq)).toBeGreaterThanOrEqual(held.size);
    // The other origins go on: bond still cosigns land's checkpoints.
    const land = await quorumCheckpoint('land');
    expect(cosignersOf(land).length).toBeGreaterThanOrEqual(3);
  });
  it('a consistent checkpoint the topic never carried: cosigned without data, refused by land’s followers, found by the notary', async () => {
    const clerk = await stack.token('land', 'clerk', 'clerk:witnessing-unsupported');
    await quorumCheckpoint('land');
    // The notary stops (its key is what a thief holds), and land records two parcels its followers receive.
    const stolen = stack.get('notary').runtime.signer;
    await stack.stopOne('notary');
    for (const id of ['W-U1', 'W-U2'])
      expect(
        (await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: surveyedParcel(id, `S-${id}`) })).status,
      ).toBe(201);
    const landDb = stack.get('land').runtime.dataSource;
    const hashes = (
      (await landDb.query("SELECT hash FROM ledger_entry WHERE chain = 'land' ORDER BY seq")) as Array<{
        hash: Buffer | string;
      }>
    ).map((row) => (typeof row.hash === 'string' ? fromHex(row.hash) : new Uint8Array(row.hash)));
    const size = hashes.length;
    const heldOf = async (department: string) =>
      Number(
        (
          (await stack
            .get(department)
            .runtime.dataSource.query(
              "SELECT max(seq) AS seq FROM received_entry WHERE source_chain = 'land'",
            )) as Array<{
            seq: string | null;
          }>
        )[0]!.seq ?? 0,
      );
    // Which witnesses hold land's entries (its followers, whatever their grants): each must hold all of them.
    const followers: string[] = [];
    for (const witness of DEPARTMENT_WITNESSES('land'))
      if ((await heldOf(witness)) > 0) {
        await stack.eventually(`${witness} holds land's ${size} entries`, async () =>
          (await heldOf(witness)) >= size ? true : undefined,
        );
        followers.push(witness);
      }
    expect(followers).toContain('credit');
    // The stolen key signs land at its real size, its last entry swapped for one never published: consistent
    // with every checkpoint cosigned before, as a proof shows.
    const forgedLeaves = [...hashes.slice(0, -1), randomBytes(32)];
    const forged = await notarySigned('land', size, rootFromLeaves(forgedLeaves), stolen);
    for (const witness of DEPARTMENT_WITNESSES('land')) {
      const probe = await addCheckpoint(witness, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: forged }));
      const held = probe.status === 409 ? Number(probe.body) : 0;
      const answer = await addCheckpoint(
        witness,
        formatAddCheckpoint({ oldSize: held, proof: consistencyProof(forgedLeaves, held), checkpoint: forged }),
      );
      if (followers.includes(witness)) {
        // The follower's own copy of the topic gives another root at that size: refused, alarmed, state unmoved.
        expect({ witness, status: answer.status }).toEqual({ witness, status: 422 });
        expect(JSON.parse(answer.body)).toMatchObject({
          code: 'WITNESS.UNSUPPORTED',
          errors: [{ field: 'checkpoint' }],
        });
        const alarm = await stack.eventually(`${witness}'s unsupported alarm`, async () =>
          (await alarmsOf(witness)).find((a) => a.chain === 'land' && a.detail!.startsWith('checkpoint unsupported')),
        );
        expect(alarm).toMatchObject({ kind: 'witness-mismatch', seq: String(size) });
      } else {
        // A witness without data can check consistency only: it cosigns (what the followers and notary are for).
        expect({ witness, status: answer.status }).toEqual({ witness, status: 200 });
      }
    }
    // The notary comes back, anchors land's real entries at that size and pushes the real checkpoint: the
    // witnesses that cosigned the forgery hold another root there, and the notary raises its own alarm.
    await stack.start(['notary']);
    const notaryAlarm = await stack.eventually(
      "the notary's alarm: a checkpoint under its key it never made",
      async () =>
        (await alarmsOf('notary')).find(
          (a) => a.chain === 'land' && a.detail!.startsWith("checkpoint not the notary's"),
        ),
      60_000,
    );
    expect(notaryAlarm).toMatchObject({ kind: 'witness-mismatch', seq: String(size) });
    // …and each witness that cosigned the forgery names the fork; the followers cosign the real checkpoint.
    for (const witness of DEPARTMENT_WITNESSES('land').filter((w) => !followers.includes(w)))
      await stack.eventually(`${witness}'s fork alarm`, async () =>
        (await alarmsOf(witness)).find(
          (a) => a.chain === 'land' && a.seq === String(size) && a.detail!.startsWith('checkpoint fork'),
        ),
      );
    const real = await stack.eventually('the real checkpoint of land cosigned by the followers', async () => {
      const served = await checkpointOf('land');
      const body = served.status === 200 ? served.body : '';
      return parseCheckpoint(parseNote(body).text).size === size &&
        followers.every((f) => cosignersOf(body).includes(f))
        ? body
        : undefined;
    });
    expect(toHex(parseCheckpoint(parseNote(real).text).rootHash)).toBe(toHex(rootFromLeaves(hashes)));
  }, 120_000);
});
