import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  KafkaPublisher,
  createKafka,
  ensureTopics,
  ledgerTopic,
  transportAdminOf,
  transportOf,
} from '@registry-bus/bus';
import { Ledger, LedgerRelay, encodeStoredEntry } from '@registry-bus/ledger';
import { decodeRecord, nodeSigner, testSigner, testTrustBundle } from '@registry-bus/protocol';
import { KafkaLauncher, integrationEnvironment } from '@registry-bus/testing';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

import { departmentDatabase } from './ledger-fixture.js';

const env = integrationEnvironment();
const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });

const register = (parcelId: string) => ({
  decide: () => ({
    entries: [{ type: 'gov.land.parcel.registered.v1', subject: parcelId, data: { parcelId }, actor: 'clerk:1' }],
  }),
});

/** Reads the whole ledger topic back, until `expected` distinct seqs, and returns the seqs in the order Kafka holds them. */
async function readTopic(
  kafka: Kafka,
  expected: number,
  timeoutMs = 60_000,
): Promise<Array<{ seq: number; id: string }>> {
  const consumer = kafka.consumer({ groupId: env.uniqueName('reader') });
  const seen: Array<{ seq: number; id: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic: ledgerTopic('land'), fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${expected} records`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, topic }) => {
          const { envelope } = decodeRecord({ topic, key: message.key?.toString(), value: message.value });
          seen.push({ seq: Number(envelope.seq), id: envelope.id });
          if (new Set(seen.map((record) => record.seq)).size >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('relay to Kafka', () => {
  let launcher: KafkaLauncher;
  let kafka: Kafka;
  let writer: DataSource;
  let ledger: Ledger;
  const relays: LedgerRelay[] = [];
  const publishers: KafkaPublisher[] = [];

  function startRelay(options: Partial<ConstructorParameters<typeof LedgerRelay>[0]> = {}): LedgerRelay {
    const publisher = new KafkaPublisher(transportOf(kafka));
    publishers.push(publisher);
    const relay = new LedgerRelay({
      dataSource: writer,
      publisher,
      chains: ['land'],
      destination: () => ({ topic: ledgerTopic('land'), partition: 0 }),
      encode: encodeStoredEntry,
      pollIntervalMs: 100,
      maxBackoffMs: 500,
      ...options,
    });
    relays.push(relay);
    relay.start();
    return relay;
  }

  beforeAll(async () => {
    // Its own broker, so stopping it cannot disturb other tests.
    launcher = new KafkaLauncher({
      dir: join(tmpdir(), 'registry-bus-test', env.runId, env.uniqueName('relay-kafka')),
    });
    const brokers = await launcher.start();
    kafka = createKafka({ clientId: env.uniqueName('relay'), brokers: [brokers] });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(transportAdminOf(admin), [
      { topic: ledgerTopic('land'), partitions: 1, replicationFactor: 1, retainForever: true },
    ]);
    await admin.disconnect();
    ({ writer } = await departmentDatabase('relay'));
    ledger = new Ledger({
      dataSource: writer,
      chain: 'land',
      signer,
      trustBundle: () => bundle,
      onCommitted: () => relays.forEach((r) => r.notify()),
    });
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await Promise.all(publishers.map((publisher) => publisher.disconnect()));
    await ledger.close();
    await writer.destroy();
    await launcher.stop({ removeData: true });
  });

  it('publishes what was committed while no relay ran (a crash between commit and publish)', async () => {
    await Promise.all(Array.from({ length: 300 }, (_, i) => ledger.append(register(`P-${i}`))));
    // Two instances reading ahead in batches of 50: neither may publish the chain out of order or twice.
    startRelay({ batchSize: 50 });
    startRelay({ batchSize: 50 });
    const seen = await readTopic(kafka, 300);
    expect(seen.map((record) => record.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('keeps acknowledging appends while Kafka is down and publishes them all in order when it returns', async () => {
    await launcher.stop();
    const acknowledged = await Promise.all(Array.from({ length: 500 }, (_, i) => ledger.append(register(`Q-${i}`))));
    expect(acknowledged).toHaveLength(500);
    await launcher.start();
    const seen = await readTopic(kafka, 800);
    const unique = new Map(seen.map((record) => [record.seq, record.id]));
    expect([...unique.keys()]).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    // At least once, in order: a retry after an unacknowledged send may repeat a suffix, never reorder.
    seen.forEach((record, i) => {
      if (i > 0) expect(record.seq === seen[i - 1]!.seq + 1 || record.seq <= seen[i - 1]!.seq).toBe(true);
    });
    for (const result of acknowledged) expect(unique.get(result.entries[0]!.seq)).toBe(result.entries[0]!.id);
  });

  it('publishes a backlog batch after batch, reading ahead, and sends again only the batch whose acknowledgement was lost', async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await Promise.all(Array.from({ length: 400 }, (_, i) => ledger.append(register(`R-${i}`))));
    const kafkaPublisher = new KafkaPublisher(transportOf(kafka));
    publishers.push(kafkaPublisher);
    let sends = 0;
    const reported: number[] = [];
    startRelay({
      batchSize: 50,
      // The third batch reaches the broker but its acknowledgement is "lost": the relay must send it again.
      publisher: {
        async publish(topic, partition, records) {
          await kafkaPublisher.publish(topic, partition, records);
          if (++sends === 3) throw new Error('acknowledgement lost');
        },
      },
      onPublished: (_chain, seq) => reported.push(seq),
    });
    const seen = await readTopic(kafka, 1200);
    expect([...new Set(seen.map((record) => record.seq))].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1200 }, (_, i) => i + 1),
    );
    const backlog = seen.filter((record) => record.seq > 800).map((record) => record.seq);
    // 400 entries, and the 50 of the batch whose acknowledgement was lost a second time — in order each time.
    expect(backlog).toHaveLength(450);
    expect(backlog.slice(0, 150)).toEqual(Array.from({ length: 150 }, (_, i) => 801 + i));
    expect(backlog.slice(150, 200)).toEqual(Array.from({ length: 50 }, (_, i) => 901 + i));
    expect(backlog.slice(200)).toEqual(Array.from({ length: 250 }, (_, i) => 951 + i));
    // The relay reports a batch once its cursor is committed, which can be just after a reader saw the records.
    for (let waited = 0; reported.length < 8 && waited < 10_000; waited += 50) await sleep(50);
    expect(reported).toEqual(Array.from({ length: 8 }, (_, i) => 850 + 50 * i));
  });

  it('publishes a lone commit at once, and lets commits that arrive while it publishes gather for lingerMs', async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    const kafkaPublisher = new KafkaPublisher(transportOf(kafka));
    publishers.push(kafkaPublisher);
    const batches: Array<{ seqs: number[]; at: number }> = [];
    let gate: Promise<void> = Promise.resolve();
    let entered = 0;
    startRelay({
      lingerMs: 1_000,
      publisher: {
        async publish(topic, partition, records) {
          entered++;
          await gate;
          await kafkaPublisher.publish(topic, partition, records);
          const seqs = records.map((record) => Number(decodeRecord({ value: record.value }).envelope.seq));
          batches.push({ seqs, at: performance.now() });
        },
      },
    });
    const until = async (what: string, done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      if (!done()) throw new Error(`timed out waiting for ${what}`);
    };

    const lone = performance.now();
    const first = (await ledger.append(register('S-0'))).entries[0]!.seq;
    await until('the lone commit', () => batches.length === 1);
    expect(batches[0]!.seqs).toEqual([first]);
    expect(batches[0]!.at - lone).toBeLessThan(900); // no linger: nothing else was arriving

    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    const second = (await ledger.append(register('S-1'))).entries[0]!.seq;
    await until('the relay to publish S-1', () => entered === 2);
    const more = await Promise.all(['S-2', 'S-3', 'S-4'].map((id) => ledger.append(register(id))));
    release();
    await until('every commit published', () => batches.length === 3);
    expect(batches[1]!.seqs).toEqual([second]);
    expect(batches[2]!.seqs).toEqual(more.map((result) => result.entries[0]!.seq).sort((a, b) => a - b));
    expect(batches[2]!.at - batches[1]!.at).toBeGreaterThanOrEqual(900);
  });
});
