// `npm run bench -- ledger`: appends/s by batch size and concurrency beside a
// bare multi-row INSERT of the same rows (same durability: synchronous_commit
// on, logged tables), relay publish rate beside a bare kafkajs producer of the
// same records, verifyChain entries/s, and single-entry commands into a
// ledger split into S shards (`--shards 1,2,4`: a chain each, a subject's
// chain by its hash, as LEDGER_SHARDS does). Uses DATABASE_URL (admin) or the
// local Postgres, and KAFKA_BROKERS or a launcher instance of its own.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import {
  KafkaPublisher,
  consumerMigrations,
  createKafka,
  ensureTopics,
  ledgerTopic,
  transportAdminOf,
  transportOf,
} from '@registry-bus/bus';
import {
  Ledger,
  LedgerRelay,
  createDataSource,
  encodeStoredEntry,
  insertRows,
  ledgerMigrations,
  protocolSealer,
  runMigrations,
  type SealedEntry,
} from '@registry-bus/ledger';
import { nodeSigner, testSigner, testTrustBundle } from '@registry-bus/protocol';
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

const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });
/** Entries per command and callers at once, every pair measured (`--batches 100 --callers 16` for one shape). */
const BATCHES = '1,10,100,1000';
const CONCURRENCY = '1,16,64';
const numbers = (list: string, option: string) =>
  list.split(',').map((item) => {
    const value = Number(item);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${option}: '${item}' is not a positive integer`);
    return value;
  });

function draft(i: number) {
  return {
    type: 'gov.land.parcel.registered.v1',
    subject: `P-${i}`,
    data: { parcelId: `P-${i}`, area: '120.50', owner: 'person:42' },
    actor: 'clerk:1',
  };
}

/** Runs `calls` calls with at most `concurrency` in flight. */
async function pool(calls: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (next < calls) await call(next++);
    }),
  );
}

const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const rowOf = (e: SealedEntry, chain: string, seq: number) => [
  chain,
  seq,
  globalThis.crypto.randomUUID(),
  e.type,
  e.subject,
  e.time,
  buffer(e.hash),
  buffer(e.envelope),
  buffer(e.sig),
  e.keyid,
];

export default async function ledgerBench(
  args: string[] = [],
): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const { values } = parseArgs({
    args,
    options: {
      batches: { type: 'string', default: BATCHES },
      callers: { type: 'string', default: CONCURRENCY },
      shards: { type: 'string', default: '1,2,4' },
    },
  });
  const batches = numbers(values.batches, 'batches');
  const callers = numbers(values.callers, 'callers');
  const shardCounts = numbers(values.shards, 'shards');
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;
  const prefix = `rb_bench_${process.pid}_`;
  const url = await createDatabase(adminUrl, `${prefix}ledger`);
  let launcher: KafkaLauncher | undefined;
  let dataSource: DataSource | undefined;
  const rows: BenchRow[] = [];
  const extra: Record<string, unknown> = {};
  try {
    await runMigrations(url, [...ledgerMigrations, ...consumerMigrations]);
    dataSource = createDataSource({ url, poolSize: 70 });
    await dataSource.initialize();
    // The bare baseline's table: same columns and indexes, no guards, no Merkle, no signing.
    await dataSource.query('CREATE TABLE bare_entry (LIKE ledger_entry INCLUDING ALL)');
    const synchronousCommit = (await dataSource.query('SHOW synchronous_commit'))[0].synchronous_commit;
    extra.synchronous_commit = synchronousCommit;

    // Pre-sealed rows for the bare INSERT, so the baseline is only the database's work.
    const seal = protocolSealer(signer);
    const template = await seal(draft(0), { chain: 'land', seq: 1, prevhash: new Uint8Array(32), time: new Date() });

    let chainNo = 0;
    for (const batch of batches) {
      for (const concurrency of callers) {
        const entries = batch >= 100 ? 20_000 : batch === 10 ? 5_000 : 2_000;
        const calls = Math.max(1, Math.floor(entries / batch));
        const chain = `land/${++chainNo}`;
        let bareSeq = 0;
        const bare = await measure(`bare INSERT batch ${batch} × ${concurrency} conns`, calls * batch, () =>
          pool(calls, concurrency, async () => {
            const runner = dataSource!.createQueryRunner();
            await runner.connect();
            try {
              await runner.startTransaction();
              await insertRows(
                runner,
                'bare_entry',
                ['chain', 'seq', 'id', 'type', 'subject', 'time', 'hash', 'envelope', 'sig', 'keyid'],
                Array.from({ length: batch }, () => rowOf(template, chain, ++bareSeq)),
              );
              await runner.commitTransaction();
            } finally {
              await runner.release();
            }
          }),
        );
        const ledger = new Ledger({ dataSource, chain, signer, trustBundle: () => bundle });
        const ours = await measure(`ledger append batch ${batch} × ${concurrency} callers`, calls * batch, () =>
          pool(calls, concurrency, (i) =>
            ledger.append({
              decide: () => ({ entries: Array.from({ length: batch }, (_, j) => draft(i * batch + j)) }),
            }),
          ),
        );
        await ledger.close();
        rows.push(bare, compare(ours, bare));
      }
    }

    // verifyChain over the largest chain.
    const verifyLedger = new Ledger({
      dataSource,
      chain: `land/${batches.length * callers.length}`,
      signer,
      trustBundle: () => bundle,
    });
    let checked = 0;
    const verifyRow = await measure('verifyChain (hash, link, signature, data, Merkle root)', 20_000, async () => {
      const report = await verifyLedger.verify();
      if (!report.ok) throw new Error(`bench chain does not verify: ${report.reason}`);
      checked = report.checked;
    });
    rows.push({ ...verifyRow, operations: checked, perSecond: checked / verifyRow.seconds });

    // Shards: one group-commit transaction in flight per chain, so single-entry commands from many callers
    // queue behind one chain's lock; S chains commit side by side. Each S in a database of its own (the
    // chains `land/0`… would meet the ones above), 64 callers, each command to its subject's chain.
    let oneShard: BenchRow | undefined;
    for (const shards of shardCounts) {
      const shardUrl = await createDatabase(adminUrl, `${prefix}shards_${shards}`);
      await runMigrations(shardUrl, ledgerMigrations);
      const shardSource = createDataSource({ url: shardUrl, poolSize: 70 });
      await shardSource.initialize();
      const sharded = new Ledger({ dataSource: shardSource, chain: 'land', shards, signer, trustBundle: () => bundle });
      try {
        const row = await measure(`ledger append, ${shards} shard(s): 1 entry × 64 callers`, 4000, () =>
          pool(4000, 64, (i) =>
            sharded.append({ chain: sharded.chainFor(`P-${i}`), decide: () => ({ entries: [draft(i)] }) }),
          ),
        );
        oneShard ??= row;
        rows.push(shards === shardCounts[0] ? row : compare(row, oneShard));
      } finally {
        await sharded.close();
        await shardSource.destroy();
      }
    }

    // Relay beside a bare producer of the same records.
    let brokers = process.env.KAFKA_BROKERS?.trim();
    if (!brokers) {
      launcher = new KafkaLauncher({ dir: join(tmpdir(), 'registry-bus-bench', String(process.pid)) });
      brokers = await launcher.start();
    }
    const kafka = createKafka({ clientId: 'bench', brokers: brokers.split(',') });
    const namespace = `bench-${process.pid}.`;
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(transportAdminOf(admin), [
      { topic: ledgerTopic('land', namespace), partitions: 1, replicationFactor: 1 },
      { topic: `${namespace}bare`, partitions: 1, replicationFactor: 1 },
    ]);
    await admin.disconnect();
    const source = `land/${batches.length * callers.length}`;
    const stored = await verifyLedger.reader.entries(source, 0, 20_000);
    const records = stored.map(encodeStoredEntry);
    const barePublisher = new KafkaPublisher(transportOf(kafka));
    const bareKafka = await measure(
      'bare kafkajs producer (idempotent, acks=all, 500/send)',
      records.length,
      async () => {
        for (let i = 0; i < records.length; i += 500)
          await barePublisher.publish(`${namespace}bare`, 0, records.slice(i, i + 500));
      },
    );
    const relayPublisher = new KafkaPublisher(transportOf(kafka));
    const relay = new LedgerRelay({
      dataSource,
      publisher: relayPublisher,
      chains: [source],
      destination: () => ({ topic: ledgerTopic('land', namespace), partition: 0 }),
      encode: encodeStoredEntry,
      batchSize: 500,
    });
    const relayRow = await measure(
      'relay: ledger → Kafka (reads, encodes, publishes, advances cursor)',
      records.length,
      () => relay.publishPending(source),
    );
    rows.push(bareKafka, compare(relayRow, bareKafka));
    await barePublisher.disconnect();
    await relayPublisher.disconnect();
    extra.note =
      'ratio = ours / bare in the same run; append rows include sealing (commitments, JCS, SHA-256, Ed25519) and Merkle nodes';
    return { rows, extra };
  } finally {
    await dataSource?.destroy();
    await dropByPrefix(adminUrl, prefix);
    await launcher?.stop({ removeData: true });
  }
}
