import { kafkaTransport } from '@registry-bus/bus';
import { KEY_RELEASE_QUERY } from '@registry-bus/kit';
import {
  decodeRecord,
  fieldCommitment,
  loadEncryptionKeyPair,
  openKeyRelease,
  parseStrictJsonBytes,
} from '@registry-bus/protocol';
import { integrationEnvironment, plaintextOccurrences, readEveryTopicRaw, type RawRecord } from '@registry-bus/testing';
import { join } from 'node:path';

import { DepartmentStack } from './department-stack.js';

/**
 * Access rights held by cryptography (issue #28), between real department
 * apps on a real Kafka and Postgres: every field an event type does not mark
 * public travels encrypted, and a grantee opens exactly what its grants
 * cover, with keys the owner releases entry by entry.
 */
describe('sealed data on the bus', () => {
  const stack = new DepartmentStack();
  const basis = { documentType: 'contract-of-sale', reference: 'CS-1' };
  let landClerk: string;
  let grantId: string;
  /** land's entries, by what they are. */
  const seqs: Record<string, number> = {};

  const creditHas = (seq: number) =>
    stack.eventually(`credit to receive land seq ${seq}`, async () => {
      const rows: unknown[] = await stack
        .get('credit')
        .runtime.dataSource.query(`SELECT 1 FROM received_entry WHERE source_chain = 'land' AND seq = $1`, [seq]);
      return rows.length > 0 ? true : undefined;
    });
  /** What credit kept of a land entry: the fields of its stored disclosure, or null when it kept no data. */
  const creditKept = async (seq: number) => {
    const rows: Array<{ disclosure: Buffer }> = await stack
      .get('credit')
      .runtime.dataSource.query(`SELECT disclosure FROM received_entry_data WHERE source_chain = 'land' AND seq = $1`, [
        seq,
      ]);
    return rows[0]
      ? (parseStrictJsonBytes(rows[0].disclosure, 'a kept disclosure') as { fields: Record<string, unknown> }).fields
      : null;
  };
  /** The keys land releases to credit for these entries, opened with credit's own private key. */
  const releasedToCredit = async (entrySeqs: number[]) => {
    const reply = await stack
      .get('credit')
      .runtime.queries.ask('land', KEY_RELEASE_QUERY, { chain: 'land', seqs: entrySeqs });
    if (!reply.result.ok) throw new Error(`${reply.result.code}: ${reply.result.reason}`);
    const key = loadEncryptionKeyPair(join(stack.local, 'keys', 'credit'));
    const release = await openKeyRelease((reply.result.answer as { release: unknown }).release, {
      grantee: 'credit',
      keyId: key.keyId,
      privateKey: key.privateKey,
    });
    return release.keys.map((released) => `${released.seq}:${released.field.join('.')}`).sort();
  };
  const landRecords = async (): Promise<RawRecord[]> =>
    (await readEveryTopicRaw({ brokers: integrationEnvironment().kafkaBrokers, timeoutMs: 60_000 })).filter((record) =>
      record.topic.startsWith(stack.namespace),
    );

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    landClerk = await stack.token('land', 'clerk', 'clerk:land');
    // Credit may read registrations and transfers: the parcel, its use, and whom it goes to — never the owners.
    grantId = await stack.grant(
      'land',
      'credit',
      ['gov.land.parcel.registered.v1', 'gov.land.parcel.transferred.v1'],
      ['cadastralNumber', 'landUse', 'to'],
    );
    const registered = await stack.call('land', 'POST', '/v1/parcels', {
      token: landClerk,
      headers: { 'idempotency-key': 'register-person:0142' },
      body: {
        cadastralNumber: 'SEAL-1',
        areaSquareMetres: '120.00',
        location: 'Kutaisi',
        landUse: 'agricultural',
        owners: [{ ownerId: 'person:0142', share: '1' }],
        basis,
      },
    });
    expect(registered.status).toBe(201);
    seqs.registered = (registered.body.entries as Array<{ seq: number }>)[0]!.seq;
    const transferred = await stack.call('land', 'POST', '/v1/parcels/SEAL-1/transfers', {
      token: landClerk,
      body: { from: 'person:0142', to: [{ ownerId: 'person:0143', share: '1' }], share: '1', basis },
    });
    expect(transferred.status).toBe(201);
    seqs.transferred = (transferred.body.entries as Array<{ seq: number }>)[0]!.seq;
    await creditHas(seqs.transferred);
  });

  afterAll(() => stack.stop());

  it('gives the grantee exactly its fields: the public ones, and the sealed `to` it was granted, never the owners', async () => {
    expect(await creditKept(seqs.registered!)).toEqual({ cadastralNumber: 'SEAL-1', landUse: 'agricultural' });
    expect(await creditKept(seqs.transferred!)).toEqual({
      cadastralNumber: 'SEAL-1',
      to: [{ ownerId: 'person:0143', share: '1' }],
    });
    // The owner released the key of `to` of the transfer, and nothing of the registration (its owners are not granted).
    expect(await releasedToCredit([seqs.registered!, seqs.transferred!])).toEqual([`${seqs.transferred}:to`]);
    // The owner's record of who was given the keys of what ("who read my data").
    const audited: Array<{ fields: string[] }> = await stack
      .get('land')
      .runtime.dataSource.query(
        `SELECT fields FROM query_audit WHERE requester = 'credit' AND query = 'key-release' AND outcome = 'answered'`,
      );
    expect(audited.flatMap((row) => row.fields)).toContain(`${seqs.transferred}:to`);
    expect(audited.flatMap((row) => row.fields).filter((field) => field.startsWith(`${seqs.registered}:`))).toEqual([]);
    // A query is answered within the same grants, the answer sealed to credit on the reply topic (checked raw below).
    const creditClerk = await stack.token('credit', 'clerk', 'clerk:sealed');
    const answered = await stack.call('credit', 'POST', '/v1/queries/land/parcel', {
      token: creditClerk,
      body: { params: { cadastralNumber: 'SEAL-1' } },
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      from: 'land',
      answer: { cadastralNumber: 'SEAL-1', landUse: 'agricultural' },
    });
  });

  it('after a revocation, releases no key for the next entry of a subject the grantee has seen', async () => {
    const admin = await stack.token('land', 'admin', 'admin:land');
    const revoked = await stack.call('land', 'POST', `/v1/access/grants/${grantId}/revoke`, {
      token: admin,
      body: { reason: 'agreement ended' },
    });
    expect(revoked.status).toBe(201);
    const again = await stack.call('land', 'POST', '/v1/parcels/SEAL-1/transfers', {
      token: landClerk,
      body: { from: 'person:0143', to: [{ ownerId: 'person:0144', share: '1' }], share: '1', basis },
    });
    expect(again.status).toBe(201);
    const seq = (again.body.entries as Array<{ seq: number }>)[0]!.seq;
    await creditHas(seq);
    expect(await creditKept(seq)).toBeNull();
    expect(await releasedToCredit([seqs.transferred!, seq])).toEqual([`${seqs.transferred}:to`]);
  });

  it("carries no owner, no sealed field's salt and no idempotency key in clear on any topic, read raw with Kafka's Java client", async () => {
    const records = await landRecords();
    expect(
      records.filter((record) => record.topic === `${stack.namespace}gov.land.ledger.v2`).length,
    ).toBeGreaterThanOrEqual(4);
    expect(plaintextOccurrences(records, ['person:0142', 'person:0143', 'person:0144', 'register-person'])).toEqual([]);
    // The topics that carry released keys and answers forget within the hour.
    const admin = kafkaTransport({
      clientId: 'sealed-data-check',
      brokers: integrationEnvironment().kafkaBrokers,
    }).admin();
    await admin.connect();
    try {
      const conversations = ['land', 'credit'].flatMap((d) => [
        `${stack.namespace}gov.${d}.requests`,
        `${stack.namespace}gov.${d}.replies`,
      ]);
      const configs = await admin.topicConfigs(conversations, ['retention.ms']);
      expect(conversations.map((topic) => configs.get(topic)?.['retention.ms'])).toEqual([
        '3600000',
        '3600000',
        '3600000',
        '3600000',
      ]);
    } finally {
      await admin.disconnect();
    }
    // The query's answer (`landUse` is public on the ledger topic, so looked for on the reply topic alone).
    const replies = records.filter((record) => record.topic === `${stack.namespace}gov.credit.replies`);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(plaintextOccurrences(replies, ['agricultural', 'SEAL-1'])).toEqual([]);
    // The owner's own copy holds the salts; none of a sealed field is on the wire.
    const rows: Array<{ disclosure: Buffer }> = await stack
      .get('land')
      .runtime.dataSource.query(`SELECT disclosure FROM ledger_entry_data WHERE chain = 'land' AND seq = $1`, [
        seqs.registered,
      ]);
    const full = parseStrictJsonBytes(rows[0]!.disclosure, 'the stored disclosure') as {
      salts: Record<string, string>;
    };
    expect(plaintextOccurrences(records, [full.salts.owners!])).toEqual([]);
  });

  it('defeats brute force of an owner from the record and its commitment: no salt of it in clear', async () => {
    const record = (await landRecords()).find((candidate) => {
      if (candidate.topic !== `${stack.namespace}gov.land.ledger.v2` || !candidate.value) return false;
      return (
        decodeRecord({ key: candidate.key?.toString() ?? null, value: candidate.value }).envelope.seq ===
        String(seqs.registered)
      );
    })!;
    const { disclosure } = decodeRecord({ key: record.key?.toString() ?? null, value: record.value! });
    const commitment = disclosure!.withheld.owners!;
    expect(Object.keys(disclosure!.salts).sort()).toEqual([
      'areaSquareMetres',
      'basis',
      'cadastralNumber',
      'landUse',
      'location',
    ]);
    // Every candidate owner, with every salt the record carries: none gives the commitment.
    const found: string[] = [];
    for (const salt of Object.values(disclosure!.salts))
      for (let n = 0; n < 10_000; n++) {
        const owners = [{ ownerId: `person:${String(n).padStart(4, '0')}`, share: '1' }];
        if (fieldCommitment(salt, 'owners', owners) === commitment) found.push(owners[0]!.ownerId);
      }
    expect(found).toEqual([]);
    // With the owner's salt (which never leaves its database) the same search finds the owner at once.
    const rows: Array<{ disclosure: Buffer }> = await stack
      .get('land')
      .runtime.dataSource.query(`SELECT disclosure FROM ledger_entry_data WHERE chain = 'land' AND seq = $1`, [
        seqs.registered,
      ]);
    const salt = (
      parseStrictJsonBytes(rows[0]!.disclosure, 'the stored disclosure') as { salts: Record<string, string> }
    ).salts.owners!;
    expect(fieldCommitment(salt, 'owners', [{ ownerId: 'person:0142', share: '1' }])).toBe(commitment);
  }, 120_000);
});
