import { kafkaTransport } from '@registry-bus/bus';
import { encodeStoredEntry, type StoredEntry } from '@registry-bus/ledger';
import { decodeRecord, parseStrictJsonBytes } from '@registry-bus/protocol';
import { integrationEnvironment, plaintextOccurrences, readEveryTopicRaw } from '@registry-bus/testing';

import { DepartmentStack } from './department-stack.js';

/**
 * Moving a ledger written before issue #28 — every field in clear on
 * `gov.<dept>.ledger` — to the current topic generation: republished sealed
 * with the same entry hashes, followers carry on, the old topic is deleted.
 */
describe('a ledger moved off its plaintext topic', () => {
  const stack = new DepartmentStack();
  const env = integrationEnvironment();
  const transport = kafkaTransport({ clientId: env.uniqueName('generation'), brokers: env.kafkaBrokers });
  const legacy = `${stack.namespace}gov.land.ledger`;
  const current = `${stack.namespace}gov.land.ledger.v2`;
  const owners = ['person:0201', 'person:0202', 'person:0203'];
  let head = 0;

  const topics = async () => {
    const admin = transport.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    await stack.start(['land']);
    await stack.grant('land', 'credit', ['gov.land.parcel.registered.v1'], '*');
    const clerk = await stack.token('land', 'clerk', 'clerk:land');
    for (const [i, ownerId] of owners.entries()) {
      const answer = await stack.call('land', 'POST', '/v1/parcels', {
        token: clerk,
        body: {
          cadastralNumber: `GEN-${i + 1}`,
          areaSquareMetres: '10.00',
          location: 'Poti',
          landUse: 'residential',
          owners: [{ ownerId, share: '1' }],
          basis: { documentType: 'contract-of-sale', reference: `CS-G${i}` },
        },
      });
      expect(answer.status).toBe(201);
    }
    await stack.eventually('land to publish its ledger', async () => {
      const [row] = (await stack
        .get('land')
        .runtime.dataSource.query(
          `SELECT (SELECT max(seq) FROM ledger_entry WHERE chain = 'land') AS head, published_seq FROM relay_cursor WHERE chain = 'land'`,
        )) as Array<{ head: string; published_seq: string }>;
      return row && row.head === row.published_seq ? Number(row.head) : undefined;
    });
    await stack.stopOne('land');

    // What a version before #28 left: its whole ledger in clear on gov.land.ledger, and no newer topic.
    const rows = await stack.queryStopped<{
      seq: string;
      id: string;
      type: string;
      subject: string;
      time: Date;
      hash: Buffer;
      envelope: Buffer;
      sig: Buffer;
      keyid: string;
      disclosure: Buffer | null;
    }>(
      'land',
      `SELECT e.seq, e.id, e.type, e.subject, e.time, e.hash, e.envelope, e.sig, e.keyid, d.disclosure
         FROM ledger_entry e LEFT JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.chain = 'land' ORDER BY e.seq`,
    );
    head = rows.length;
    const plain = rows.map((row) =>
      encodeStoredEntry({
        chain: 'land',
        seq: Number(row.seq),
        id: row.id,
        type: row.type,
        subject: row.subject,
        time: row.time,
        hash: new Uint8Array(row.hash),
        envelope: new Uint8Array(row.envelope),
        sig: new Uint8Array(row.sig),
        keyid: row.keyid,
        ...(row.disclosure ? { disclosure: new Uint8Array(row.disclosure) } : {}),
      } satisfies StoredEntry),
    );
    const admin = transport.admin();
    await admin.connect();
    try {
      await admin.createTopics([{ topic: legacy, numPartitions: 1, replicationFactor: 1, configEntries: [] }]);
      await admin.deleteTopics([current]);
    } finally {
      await admin.disconnect();
    }
    const producer = transport.producer();
    await producer.connect();
    try {
      await producer.send(
        legacy,
        plain.map((record) => ({ ...record, value: Buffer.from(record.value), partition: 0 })),
      );
    } finally {
      await producer.disconnect();
    }
    await stack.eventually('the newer topic to be gone', async () =>
      (await topics()).includes(current) ? undefined : true,
    );
    const before = await readEveryTopicRaw({ brokers: env.kafkaBrokers, timeoutMs: 60_000 });
    // The test would fail if the old history were not in clear: it is.
    expect(
      plaintextOccurrences(
        before.filter((record) => record.topic === legacy),
        owners,
      ).length,
    ).toBe(3);

    await stack.start(['land', 'credit']);
  }, 180_000);

  afterAll(() => stack.stop());

  it('republishes the whole ledger to the new topic, sealed, with the same entry hashes, and deletes the old one', async () => {
    await stack.eventually('the old topic to be deleted', async () =>
      (await topics()).includes(legacy) ? undefined : true,
    );
    const records = (await readEveryTopicRaw({ brokers: env.kafkaBrokers, timeoutMs: 60_000 })).filter((record) =>
      record.topic.startsWith(stack.namespace),
    );
    const land = records.filter((record) => record.topic === current);
    const stored = (await stack
      .get('land')
      .runtime.dataSource.query(`SELECT seq, hash FROM ledger_entry WHERE chain = 'land' ORDER BY seq`)) as Array<{
      seq: string;
      hash: Buffer;
    }>;
    const seen = new Map(
      land.map((record) => {
        const { envelope } = decodeRecord({ key: record.key?.toString() ?? null, value: record.value! });
        return [Number(envelope.seq), envelope.hash] as const;
      }),
    );
    expect(stored.slice(0, head).map((row) => seen.get(Number(row.seq)))).toEqual(
      stored.slice(0, head).map((row) => row.hash.toString('hex')),
    );
    expect(plaintextOccurrences(records, owners)).toEqual([]);
  });

  it('lets a follower read the moved history and open what it was granted', async () => {
    await stack.eventually('credit to hold the three registrations with their owners', async () => {
      const rows = (await stack
        .get('credit')
        .runtime.dataSource.query(
          `SELECT disclosure FROM received_entry_data WHERE source_chain = 'land' ORDER BY seq`,
        )) as Array<{ disclosure: Buffer }>;
      const kept = rows
        .map(
          (row) =>
            (
              parseStrictJsonBytes(row.disclosure, 'a kept disclosure') as {
                fields: { owners?: Array<{ ownerId: string }> };
              }
            ).fields.owners?.[0]?.ownerId,
        )
        .filter(Boolean);
      return kept.length === 3 ? kept : undefined;
    });
    const rows = (await stack
      .get('credit')
      .runtime.dataSource.query(
        `SELECT disclosure FROM received_entry_data WHERE source_chain = 'land' ORDER BY seq`,
      )) as Array<{ disclosure: Buffer }>;
    expect(
      rows
        .map(
          (row) =>
            (
              parseStrictJsonBytes(row.disclosure, 'a kept disclosure') as {
                fields: { owners?: Array<{ ownerId: string }> };
              }
            ).fields.owners?.[0]?.ownerId,
        )
        .filter(Boolean),
    ).toEqual(owners);
  });
});
