// `npm run bench -- reliability [--entries 100000]`: what recovery and
// LEDGER_ACK=published cost, each beside a bare baseline in the same run —
//   1. recovery of a lost database from its topic (--entries entries, 100k by
//      default): read, verify (hash, signature, link, data), append with the
//      Merkle tree (the notary's topic is empty here: no anchor to hold to) — beside a bare kafkajs read of the
//      same records and a bare multi-row INSERT of the same rows (500 a
//      transaction, the same durability);
//   2. a command answered once committed (LEDGER_ACK=committed, the default)
//      and once published to Kafka (LEDGER_ACK=published): sequential
//      latency p50/p99 and the rate, published as a ratio of committed.
// Uses DATABASE_URL (admin) or the local Postgres, and a Kafka of its own
// from the launcher (KAFKA_BROKERS to use another).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { KafkaPublisher, createKafka, ensureTopics, transportAdminOf, transportOf } from '@registry-bus/bus';
import { PublishedWatch, recoverLedger, topicSource } from '@registry-bus/kit';
import {
  Ledger,
  LedgerReader,
  LedgerRelay,
  createDataSource,
  encodeStoredEntry,
  ledgerMigrations,
  runMigrations,
} from '@registry-bus/ledger';
import {
  encodeRecord,
  nodeSigner,
  sealEntrySync,
  testSigner,
  testTrustBundle,
  type SealedEnvelope,
} from '@registry-bus/protocol';
import {
  KafkaLauncher,
  LOCAL_POSTGRES_ADMIN_URL,
  compare,
  createDatabase,
  dropByPrefix,
  measure,
  type BenchRow,
} from '@registry-bus/testing';
import type { DataSource } from 'typeorm';

const land = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [land] });
const ACKED = 1_000;

const draft = (i: number) => ({
  type: 'gov.land.parcel.registered.v1',
  subject: `R-${i}`,
  data: {
    cadastralNumber: `R-${i}`,
    areaSquareMetres: '500.00',
    location: 'Mtskheta',
    landUse: 'agricultural',
    owners: [{ ownerId: `person:${i}`, share: '1' }],
    basis: { documentType: 'survey', reference: `S-${i}` },
  },
  actor: 'clerk:bench',
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export default async function reliabilityBench(
  args: string[],
): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const { values } = parseArgs({ args, options: { entries: { type: 'string', default: '100000' } } });
  const entries = Number(values.entries);
  const adminUrl = process.env.DATABASE_URL ?? LOCAL_POSTGRES_ADMIN_URL;
  const prefix = `rb_bench_${process.pid}_`;
  const kafkaDir = mkdtempSync(join(tmpdir(), 'rb-bench-kafka-'));
  const launcher = process.env.KAFKA_BROKERS ? undefined : new KafkaLauncher({ dir: kafkaDir });
  const brokers = (process.env.KAFKA_BROKERS ?? (await launcher!.start())).split(',');
  const kafka = createKafka({ clientId: 'bench-reliability', brokers });
  const rows: BenchRow[] = [];
  const extra: Record<string, unknown> = { entries };
  const sources: DataSource[] = [];
  const open = async (name: string) => {
    const url = await createDatabase(adminUrl, `${prefix}${name}`);
    await runMigrations(url, ledgerMigrations);
    const dataSource = createDataSource({ url, poolSize: 8 });
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    // 1. Recovery. The department's topic, as its relay would have written it.
    const topic = `bench${process.pid}.gov.land.ledger.v2`;
    const notaryTopic = `bench${process.pid}.gov.notary.ledger.v2`;
    await ensureTopics(transportAdminOf(admin), [
      { topic, partitions: 1, replicationFactor: 1, retainForever: true },
      { topic: notaryTopic, partitions: 1, replicationFactor: 1, retainForever: true },
    ]);
    const sealed: SealedEnvelope[] = [];
    for (let seq = 1; seq <= entries; seq++)
      sealed.push(
        sealEntrySync(
          {
            chain: 'land',
            seq,
            prevhash: sealed[seq - 2]?.hash ?? new Uint8Array(32),
            ...draft(seq),
            time: new Date(),
          },
          land,
        ),
      );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < sealed.length; i += 200) {
      await producer.send({
        topic,
        acks: -1,
        messages: sealed.slice(i, i + 200).map((entry) => {
          const record = encodeRecord(entry.envelope, entry.disclosure);
          return { key: record.key, value: Buffer.from(record.value), headers: record.headers, partition: 0 };
        }),
      });
    }
    await producer.disconnect();

    let consumed = 0;
    const bareRead = await measure('bare kafkajs read of the same records', entries, async () => {
      const consumer = kafka.consumer({ groupId: `bench-bare-${process.pid}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch }) => {
            consumed += batch.messages.length;
            if (consumed >= entries) resolve();
          },
        });
      });
      await consumer.disconnect();
    });
    const bareDb = await open('bare');
    await bareDb.query('CREATE TABLE bare_entry (LIKE ledger_entry INCLUDING ALL)');
    const bareInsert = await measure(
      'bare multi-row INSERT of the same rows (500 a transaction)',
      entries,
      async () => {
        for (let i = 0; i < sealed.length; i += 500) {
          const chunk = sealed.slice(i, i + 500);
          const params: unknown[] = [];
          const tuples = chunk.map((entry) => {
            const e = entry.envelope;
            params.push(
              e.chain,
              e.seq,
              e.id,
              e.type,
              e.subject,
              e.time,
              Buffer.from(entry.hash),
              Buffer.from(entry.canonical),
              Buffer.from(entry.sig),
              e.keyid,
            );
            const base = params.length - 10;
            return `(${Array.from({ length: 10 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
          });
          await bareDb.query(
            `INSERT INTO bare_entry (chain, seq, id, type, subject, time, hash, envelope, sig, keyid) VALUES ${tuples.join(', ')}`,
            params,
          );
        }
      },
    );
    const recoveredDb = await open('recovered');
    let report: Awaited<ReturnType<typeof recoverLedger>> | undefined;
    const recovery = await measure(
      'recovery from the topic (read, verify, append, tree, replay)',
      entries,
      async () => {
        report = await recoverLedger({
          department: 'land',
          source: topicSource(transportOf(kafka), topic, `bench-${process.pid}.recovery`),
          anchors: topicSource(transportOf(kafka), notaryTopic, `bench-${process.pid}.recovery-anchors`),
          published: true,
          dataSource: recoveredDb,
          reader: new LedgerReader(recoveredDb),
          trust: bundle,
          aggregates: [],
          log: () => undefined,
        });
      },
    );
    if (report!.head !== entries) throw new Error(`recovered ${report!.head} of ${entries}`);
    rows.push(bareRead, compare(recovery, bareRead), bareInsert, compare(recovery, bareInsert));
    extra.recoverySecondsPer100k = (recovery.seconds / entries) * 100_000;

    // 2. LEDGER_ACK: committed versus published, the same commands one after another.
    const ackTopic = `bench${process.pid}.ack.gov.land.ledger.v2`;
    await ensureTopics(transportAdminOf(admin), [
      { topic: ackTopic, partitions: 1, replicationFactor: 1, retainForever: true },
    ]);
    const ackDb = await open('ack');
    // The watch reads the relay's cursor only when asked, after both exist.
    const watch: PublishedWatch = new PublishedWatch(async () => (await relay.publishedSeq('land')) ?? 0, 30_000);
    const relay: LedgerRelay = new LedgerRelay({
      dataSource: ackDb,
      publisher: new KafkaPublisher(transportOf(kafka)),
      chains: ['land'],
      destination: () => ({ topic: ackTopic, partition: 0 }),
      encode: encodeStoredEntry,
      onPublished: (_chain, seq) => watch.advanced(seq),
    });
    const ledger = new Ledger({
      dataSource: ackDb,
      chain: 'land',
      signer: land,
      trustBundle: () => bundle,
      onCommitted: () => relay.notify(),
    });
    relay.start();
    let n = 0;
    const run = async (name: string, published: boolean) => {
      const latencies: number[] = [];
      const row = await measure(name, ACKED, async () => {
        for (let i = 0; i < ACKED; i++) {
          const started = process.hrtime.bigint();
          const result = await ledger.append({ decide: () => ({ entries: [draft(++n)] }) });
          if (published) await watch.wait(result.entries.at(-1)!.seq);
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      });
      latencies.sort((a, b) => a - b);
      return {
        ...row,
        note: `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
      };
    };
    const committed = await run('command acknowledged once committed (LEDGER_ACK=committed)', false);
    const publishedRow = await run('command acknowledged once on Kafka (LEDGER_ACK=published)', true);
    rows.push(committed, compare(publishedRow, committed));
    await relay.stop();
    await ledger.close();
  } finally {
    await admin.disconnect();
    for (const source of sources) await source.destroy().catch(() => undefined);
    await dropByPrefix(adminUrl, prefix);
    await launcher?.stop({ removeData: true });
    rmSync(kafkaDir, { recursive: true, force: true });
  }
  return { rows, extra };
}
