import {
  ConsumerPipeline,
  LedgerConsumer,
  createKafka,
  ensureTopics,
  ledgerTopic,
  protocolVerifier,
  type IncomingRecord,
  type PipelineOutcome,
  transportAdminOf,
  transportOf,
} from '@registry-bus/bus';
import {
  EventTypeRegistry,
  defineEventType,
  encodeRecord,
  sealEntrySync,
  nodeSigner,
  testSigner,
  testTrustBundle,
  type SealedEnvelope,
  type InProcessSigner,
} from '@registry-bus/protocol';
import { integrationEnvironment } from '@registry-bus/testing';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

import { departmentDatabase, ownerQuery } from '../../ledger/integration/ledger-fixture.js';

const env = integrationEnvironment();
const namespace = `${env.uniqueName('ns')}.`;
const land = testSigner('land', 'key-1', nodeSigner);
const landRetired = testSigner('land', 'retired', nodeSigner);
const court = testSigner('court', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [land, landRetired], court: [court] });
bundle.departments[0]!.keys[1]!.revokedAt = '2026-01-01T00:00:00.000Z';

const registered = defineEventType({
  type: 'gov.land.parcel.registered.v1',
  schema: z.strictObject({ parcelId: z.string(), area: z.string().regex(/^\d+\.\d{2}$/) }),
  publicFields: ['parcelId', 'area'],
  personalFields: [],
});
const registry = new EventTypeRegistry([registered]);

/** The owner's chain, built in the test so every record can be forged precisely. */
class ForgedChain {
  readonly entries: SealedEnvelope[] = [];
  seal(
    seq: number,
    options: { signer?: InProcessSigner; type?: string; data?: Record<string, unknown>; time?: Date } = {},
  ): SealedEnvelope {
    const previous = this.entries[seq - 2];
    return sealEntrySync(
      {
        chain: 'land',
        seq,
        prevhash: previous ? previous.hash : new Uint8Array(32),
        type: options.type ?? registered.type,
        subject: `P-${seq}`,
        data: options.data ?? { parcelId: `P-${seq}`, area: '10.00' },
        actor: 'clerk:1',
        time: options.time ?? new Date('2026-11-24T12:00:00Z'),
      },
      options.signer ?? land,
    );
  }
  append(entry: SealedEnvelope): SealedEnvelope {
    this.entries.push(entry);
    return entry;
  }
}

describe('consumer pipeline against every kind of bad input', () => {
  let kafka: Kafka;
  let producer: Producer;
  let writer: DataSource;
  let consumer: LedgerConsumer;
  const outcomes: Array<{ offset: string; outcome: PipelineOutcome }> = [];
  const handled: string[] = [];
  let retryableFailures = 0;
  const notices: Array<{ code: string; seq: number | undefined; alarm: boolean }> = [];
  const chain = new ForgedChain();
  const topic = ledgerTopic('land', namespace);

  const send = async (value: Uint8Array | string, key = 'k') => {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key, value: typeof value === 'string' ? value : Buffer.from(value) }],
    });
    return String(meta!.baseOffset);
  };
  const sendEntry = (entry: SealedEnvelope, disclosure = entry.disclosure) =>
    send(encodeRecord(entry.envelope, disclosure).value, entry.envelope.subject);
  async function outcomeAt(offset: string): Promise<PipelineOutcome> {
    for (let i = 0; i < 300; i++) {
      const found = outcomes.find((o) => o.offset === offset);
      if (found) return found.outcome;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no outcome for offset ${offset}`);
  }

  beforeAll(async () => {
    kafka = createKafka({ clientId: env.uniqueName('consumer'), brokers: env.kafkaBrokers });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(transportAdminOf(admin), [{ topic, partitions: 1, replicationFactor: 1, retainForever: true }]);
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    const database = await departmentDatabase('consumer');
    writer = database.writer;
    await ownerQuery(database.ownerUrl, 'CREATE TABLE parcel_copy (parcel_id text PRIMARY KEY, area text NOT NULL)');
    const pipeline = new ConsumerPipeline({
      dataSource: writer,
      verifier: protocolVerifier({ trustBundle: () => bundle, registry }),
      policy: { decide: () => ({ kind: 'allow' }) },
      topicNamespace: namespace,
      gapHoldMs: 3000,
      onQuarantine: (notice) => notices.push({ code: notice.failure.code, seq: notice.seq, alarm: notice.alarm }),
      gapFiller: {
        fetch: async (_chain, fromSeq, toSeq) =>
          chain.entries
            .filter((e) => Number(e.envelope.seq) >= fromSeq && Number(e.envelope.seq) <= toSeq)
            .map((e): IncomingRecord => ({
              topic,
              partition: 0,
              offset: '-1',
              key: e.envelope.subject,
              value: encodeRecord(e.envelope, e.disclosure).value,
              headers: {},
            })),
      },
      handlers: [
        {
          types: ['gov.land.parcel.*'],
          handle: async (event, manager) => {
            if (event.data.parcelId === 'P-9' && retryableFailures++ < 2) {
              throw Object.assign(new Error('the ledger is away'), { retryable: true });
            }
            if (event.data.parcelId === 'P-10') throw new Error('this handler cannot take P-10');
            handled.push(`${event.entry.seq}`);
            await manager.query('INSERT INTO parcel_copy (parcel_id, area) VALUES ($1, $2)', [
              event.data.parcelId,
              event.data.area,
            ]);
          },
        },
      ],
    });
    consumer = new LedgerConsumer({
      kafka: transportOf(kafka),
      groupId: env.uniqueName('credit'),
      topics: [topic],
      pipeline,
      onOutcome: (record, outcome) => outcomes.push({ offset: record.offset, outcome }),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await producer.disconnect();
    await writer.destroy();
  });

  it('applies a good entry and hands it to the handler in the same transaction', async () => {
    const offset = await sendEntry(chain.append(chain.seal(1)));
    expect(await outcomeAt(offset)).toEqual({ kind: 'applied', seq: 1, handled: true });
    expect(await writer.query('SELECT parcel_id FROM parcel_copy')).toEqual([{ parcel_id: 'P-1' }]);
  });

  it('quarantines bad JSON and goes on', async () => {
    const offset = await send('{"not": json');
    expect(await outcomeAt(offset)).toMatchObject({ kind: 'quarantined', failure: { code: 'PROTOCOL.BAD_JSON' } });
    const next = await sendEntry(chain.append(chain.seal(2)));
    expect(await outcomeAt(next)).toMatchObject({ kind: 'applied', seq: 2 });
  });

  it('quarantines a record with a duplicate key or a __proto__ field, naming it (the next test applies seq 3: the chain did not move)', async () => {
    const duplicate = await send('{"a":1,"a":2}');
    expect(await outcomeAt(duplicate)).toMatchObject({
      kind: 'quarantined',
      failure: {
        code: 'PROTOCOL.BAD_JSON',
        reason: 'PROTOCOL.BAD_JSON: $.a: duplicate key in the record at character 7',
      },
    });
    const entry = chain.seal(3);
    const text = new TextDecoder().decode(encodeRecord(entry.envelope, entry.disclosure).value);
    const injected = text.replace('"fields":{', '"fields":{"__proto__":{"owner":"person:666"},');
    expect(injected).not.toBe(text);
    const proto = await send(injected, entry.envelope.subject);
    expect(await outcomeAt(proto)).toMatchObject({
      kind: 'quarantined',
      failure: {
        code: 'PROTOCOL.BAD_JSON',
        reason: expect.stringMatching(
          /^PROTOCOL\.BAD_JSON: \$\.data\.fields\.__proto__: forbidden key "__proto__" in the record at character \d+$/,
        ) as unknown,
      },
    });
  });

  it('skips a replayed entry silently', async () => {
    expect(await outcomeAt(await sendEntry(chain.entries[1]!))).toEqual({ kind: 'duplicate', seq: 2 });
    expect(handled.filter((seq) => seq === '2')).toHaveLength(1);
  });

  it('refuses a changed attribute, an unknown key and a forged signature without advancing the chain', async () => {
    const good = chain.seal(3);
    const changed = { ...good, envelope: { ...good.envelope, subject: 'P-stolen' } };
    expect(await outcomeAt(await sendEntry(changed))).toMatchObject({
      kind: 'quarantined',
      failure: { code: 'PROTOCOL.HASH_MISMATCH' },
    });
    const unknown = chain.seal(3, { signer: testSigner('land', 'stranger') });
    expect(await outcomeAt(await sendEntry(unknown))).toMatchObject({
      kind: 'quarantined',
      failure: { code: 'PROTOCOL.UNKNOWN_KEY' },
    });
    const forgedKey = chain.seal(3, { signer: { ...testSigner('land', 'stranger'), keyId: land.keyId } });
    expect(await outcomeAt(await sendEntry(forgedKey))).toMatchObject({
      kind: 'quarantined',
      failure: { code: 'PROTOCOL.BAD_SIGNATURE' },
    });
  });

  it('holds an entry of a revoked key that claims a time before the revocation (a stolen key backdating), with one alarm', async () => {
    // The bundle revoked landRetired at 2026-01-01; judged at the time it claims, this entry would pass.
    const backdated = chain.seal(3, { signer: landRetired, time: new Date('2025-12-31T23:00:00Z') });
    expect(await outcomeAt(await sendEntry(backdated))).toMatchObject({
      kind: 'held-key',
      chain: 'land',
      seq: 3,
      failure: { code: 'PROTOCOL.KEY_REVOKED' },
    });
    expect(notices.filter((notice) => notice.code === 'PROTOCOL.KEY_REVOKED')).toEqual([
      { code: 'PROTOCOL.KEY_REVOKED', seq: 3, alarm: true },
    ]);
    expect(handled).not.toContain('3');
    expect((await writer.query(`SELECT seq FROM consumer_position WHERE source_chain = 'land'`))[0].seq).toBe('2');
  });

  it("the owner's entry at that seq takes the held one's place (refused as an equivocation), and its data is checked as ever", async () => {
    const entry = chain.append(chain.seal(3));
    const tampered = { ...entry.disclosure, fields: { ...entry.disclosure.fields, area: '99.00' } };
    expect(await outcomeAt(await sendEntry(entry, tampered))).toMatchObject({
      kind: 'applied',
      seq: 3,
      handled: false,
      parked: { code: 'PROTOCOL.DATA_COMMITMENT_MISMATCH' },
    });
    expect(notices).toContainEqual({ code: 'CONSUMER.EQUIVOCATION', seq: 3, alarm: true });
    const [refused] = await writer.query(
      `SELECT reason FROM consumer_quarantine WHERE code = 'CONSUMER.EQUIVOCATION' AND seq = 3`,
    );
    expect(refused.reason).toMatch(
      /^seq 3 of 'land' held \(PROTOCOL\.KEY_REVOKED: .*\) is refused: another entry at that seq, signed with a key valid at its receipt, took its place$/,
    );
  });

  it('holds an entry that claims a time more than the skew before the one it follows (key valid)', async () => {
    const before = chain.seal(4, { time: new Date('2026-11-24T11:54:59Z') });
    expect(await outcomeAt(await sendEntry(before))).toMatchObject({
      kind: 'held-key',
      seq: 4,
      failure: { code: 'PROTOCOL.TIME_BEFORE_PREVIOUS' },
    });
  });

  it('parks data that fails its schema, and the chain advances', async () => {
    const entry = chain.append(chain.seal(4, { data: { parcelId: 'P-4', area: 'big' } }));
    expect(await outcomeAt(await sendEntry(entry))).toMatchObject({
      kind: 'applied',
      seq: 4,
      handled: false,
      parked: { code: 'PROTOCOL.SCHEMA_VIOLATION' },
    });
  });

  it('raises an alarm for the same seq with another hash (equivocation)', async () => {
    const rewritten = chain.seal(4, { data: { parcelId: 'P-4', area: '11.00' } });
    expect(await outcomeAt(await sendEntry(rewritten))).toMatchObject({
      kind: 'quarantined',
      alarm: true,
      failure: { code: 'CONSUMER.EQUIVOCATION' },
    });
    const alarms = await writer.query(
      `SELECT seq, alarm FROM consumer_quarantine WHERE code = 'CONSUMER.EQUIVOCATION' ORDER BY seq`,
    );
    expect(alarms).toEqual([
      { seq: '3', alarm: true },
      { seq: '4', alarm: true },
      { seq: '4', alarm: true },
    ]);
  });

  it('holds a gap, fills it from the owner, then applies the held entry', async () => {
    chain.append(chain.seal(5));
    const six = chain.append(chain.seal(6));
    expect(await outcomeAt(await sendEntry(six))).toMatchObject({ kind: 'applied', seq: 6, handled: true });
    expect(handled).toContain('5');
  });

  it('refuses an entry of another department on this topic', async () => {
    const courtEntry = sealEntrySync(
      {
        chain: 'court',
        seq: 1,
        prevhash: new Uint8Array(32),
        type: 'gov.court.case.opened.v1',
        subject: 'C-1',
        data: {},
        actor: 'judge:1',
      },
      court,
    );
    expect(await outcomeAt(await sendEntry(courtEntry))).toMatchObject({
      kind: 'quarantined',
      failure: { code: 'PROTOCOL.WRONG_TOPIC' },
    });
  });

  it("keeps an unknown type's envelope but not its data, then goes on", async () => {
    const unknown = chain.append(chain.seal(7, { type: 'gov.land.parcel.teleported.v1', data: { to: 'moon' } }));
    expect(await outcomeAt(await sendEntry(unknown))).toMatchObject({
      kind: 'applied',
      seq: 7,
      parked: { code: 'PROTOCOL.UNKNOWN_EVENT_TYPE' },
    });
    expect(await outcomeAt(await sendEntry(chain.append(chain.seal(8))))).toMatchObject({
      kind: 'applied',
      seq: 8,
      handled: true,
    });
    expect(handled).toEqual(['1', '2', '5', '6', '8']);
    const kept = await writer.query(`SELECT seq FROM received_entry WHERE source_chain = 'land' ORDER BY seq`);
    expect(kept.map((row: { seq: string }) => Number(row.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const data = await writer.query(`SELECT seq FROM received_entry_data WHERE source_chain = 'land' ORDER BY seq`);
    expect(data.map((row: { seq: string }) => Number(row.seq))).toEqual([1, 2, 5, 6, 8]);
    expect((await writer.query(`SELECT seq FROM consumer_position WHERE source_chain = 'land'`))[0].seq).toBe('8');
  });

  it('retries a handler whose own infrastructure is away (retryable) until it succeeds, never parking it', async () => {
    const nine = chain.append(chain.seal(9));
    expect(await outcomeAt(await sendEntry(nine))).toEqual({ kind: 'applied', seq: 9, handled: true });
    expect(retryableFailures).toBeGreaterThanOrEqual(2);
    expect(await writer.query(`SELECT parcel_id FROM parcel_copy WHERE parcel_id = 'P-9'`)).toHaveLength(1);
  });

  it('parks the event of a handler that keeps failing, with its reason, and the chain advances', async () => {
    const ten = chain.append(chain.seal(10));
    expect(await outcomeAt(await sendEntry(ten))).toMatchObject({
      kind: 'applied',
      seq: 10,
      handled: false,
      parked: { code: 'CONSUMER.HANDLER_FAILED', reason: 'this handler cannot take P-10' },
    });
    expect(await writer.query(`SELECT parcel_id FROM parcel_copy WHERE parcel_id = 'P-10'`)).toHaveLength(0);
  });

  it('holds a gap the owner cannot fill, without an alarm (nothing signed says it was removed), and does not advance', async () => {
    chain.seal(11); // never published, never given by the owner
    const twelve = chain.seal(12);
    expect(await outcomeAt(await sendEntry(twelve))).toEqual({
      kind: 'held',
      chain: 'land',
      missingFrom: 11,
      missingTo: 11,
    });
    expect(notices.filter((notice) => notice.code === 'CONSUMER.GAP_UNFILLED').at(-1)).toEqual({
      code: 'CONSUMER.GAP_UNFILLED',
      seq: 12,
      alarm: false,
    });
    expect((await writer.query(`SELECT seq FROM consumer_position WHERE source_chain = 'land'`))[0].seq).toBe('10');
  });
});
