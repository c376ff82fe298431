import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { KafkaPublisher, createKafka, ensureTopics, ledgerTopic } from '@registry-bus/bus';
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

/** Reads the whole ledger topic back and returns the seqs in the order Kafka holds them. */
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
          if (seen.length >= expected) {
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

  function startRelay(): LedgerRelay {
    const publisher = new KafkaPublisher(kafka);
    publishers.push(publisher);
    const relay = new LedgerRelay({
      dataSource: writer,
      publisher,
      chains: ['land'],
      destination: () => ({ topic: ledgerTopic('land'), partition: 0 }),
      encode: encodeStoredEntry,
      pollIntervalMs: 100,
      maxBackoffMs: 500,
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
    await ensureTopics(admin, [
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
    startRelay();
    startRelay(); // a second instance: it must never publish the chain out of order
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
});
