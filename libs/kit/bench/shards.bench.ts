// `npm run bench -- shards [--entries N] [--shards 1,2,4]`: a department's
// chain split into S shards (chain `land/<shard>`, shard = partition of its
// topic, each its own hash chain and Merkle tree) — each shard's subjects
// appended by its own writer, relayed to its partition and applied by a consumer
// (verification, access decision, tree, position) — at S = 1, 2, 4, beside
// a bare multi-row INSERT of the same rows in the same run. Writers and
// readers run in processes of their own (a writer per shard, a consumer
// group of S members), as a deployment would run them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { consumerMigrations, createKafka, ensureTopics, transportAdminOf } from '@registry-bus/bus';
import { Ledger, createDataSource, ledgerMigrations, runMigrations } from '@registry-bus/ledger';
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

const SHARD_PROCESS = join(dirname(fileURLToPath(import.meta.url)), 'shard-process.ts');
const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });

const draft = (i: number) => ({
  type: 'gov.land.parcel.registered.v1',
  subject: `S-${i}`,
  data: {
    cadastralNumber: `S-${i}`,
    areaSquareMetres: '500.00',
    location: 'Gori',
    landUse: 'agricultural',
    owners: [{ ownerId: `person:${i}`, share: '1' }],
  },
  actor: 'clerk:bench',
});

async function pool(calls: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (next < calls) await call(next++);
    }),
  );
}

export default async function shardsBench(
  args: string[],
): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const { values } = parseArgs({
    args,
    options: { entries: { type: 'string', default: '20000' }, shards: { type: 'string', default: '1,2,4' } },
  });
  const entries = Number(values.entries);
  const counts = values.shards.split(',').map(Number);
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;
  const prefix = `rb_bench_${process.pid}_`;
  const launcher = process.env.KAFKA_BROKERS
    ? undefined
    : new KafkaLauncher({ dir: mkdtempSync(join(tmpdir(), 'rb-bench-kafka-')) });
  const brokers = (process.env.KAFKA_BROKERS ?? (await launcher!.start())).split(',');
  const kafka = createKafka({ clientId: 'bench-shards', brokers });
  const rows: BenchRow[] = [];
  const extra: Record<string, unknown> = { entries, concurrency: 64 };
  const sources: DataSource[] = [];
  const migrated = async (name: string, migrations: Parameters<typeof runMigrations>[1]) => {
    const url = await createDatabase(adminUrl, `${prefix}${name}`);
    await runMigrations(url, migrations);
    return url;
  };
  const children: ChildProcess[] = [];
  const fork = (settings: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', './scripts/ts-loader/register.js', SHARD_PROCESS], {
      env: { ...process.env, ...settings },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const next = (kind: string) =>
      new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`a shard process exited (${code}) before '${kind}'`)));
        child.on('message', (message: { kind: string }) => {
          if (message.kind === kind) resolve();
        });
      });
    return { process: child, ready: next('ready'), done: next('done') };
  };
  const open = async (name: string, migrations: Parameters<typeof runMigrations>[1]) => {
    const url = await migrated(name, migrations);
    const dataSource = createDataSource({ url, poolSize: 16 });
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  };
  try {
    const bareDb = await open('bare', ledgerMigrations);
    await bareDb.query('CREATE TABLE bare_entry (LIKE ledger_entry INCLUDING ALL)');
    const ledgerOfBare = new Ledger({ dataSource: bareDb, chain: 'land', signer, trustBundle: () => bundle });
    // Rows sealed once, so the bare insert writes what the ledger writes.
    await pool(entries / 100, 8, (i) =>
      ledgerOfBare.append({ decide: () => ({ entries: Array.from({ length: 100 }, (_, k) => draft(i * 100 + k)) }) }),
    );
    const sealed: Array<Record<string, unknown>> = await bareDb.query(
      'SELECT chain, seq, id, type, subject, time, hash, envelope, sig, keyid FROM ledger_entry ORDER BY seq',
    );
    const bare = await measure('bare multi-row INSERT of the same rows (500 a transaction)', entries, async () => {
      for (let from = 0; from < sealed.length; from += 500) {
        const params: unknown[] = [];
        const tuples = sealed.slice(from, from + 500).map((row) => {
          params.push(
            row.chain,
            row.seq,
            row.id,
            row.type,
            row.subject,
            row.time,
            row.hash,
            row.envelope,
            row.sig,
            row.keyid,
          );
          const base = params.length - 10;
          return `(${Array.from({ length: 10 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
        });
        await bareDb.query(
          `INSERT INTO bare_entry (chain, seq, id, type, subject, time, hash, envelope, sig, keyid) VALUES ${tuples.join(', ')}`,
          params,
        );
      }
    });
    rows.push(bare);

    let first: BenchRow | undefined;
    for (const shards of counts) {
      const namespace = `bench${process.pid}-s${shards}.`;
      const topic = `${namespace}gov.land.ledger.v2`;
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(transportAdminOf(admin), [
        { topic, partitions: shards, replicationFactor: 1, retainForever: true },
      ]);
      await admin.disconnect();
      const ownerUrl = await migrated(`owner_${shards}`, ledgerMigrations);
      const readerUrl = await migrated(`reader_${shards}`, [...ledgerMigrations, ...consumerMigrations]);
      const reader = createDataSource({ url: readerUrl, poolSize: 2 });
      await reader.initialize();
      sources.push(reader);
      const common = { BENCH_BROKERS: brokers.join(','), BENCH_TOPIC: topic, BENCH_NAMESPACE: namespace };
      // S writers (a shard each) and S readers (one consumer group): a process each.
      const writers = Array.from({ length: shards }, (_, shard) =>
        fork({
          ...common,
          BENCH_ROLE: 'writer',
          BENCH_DATABASE_URL: ownerUrl,
          BENCH_SHARD: String(shard),
          BENCH_ENTRIES: String(entries / shards),
          BENCH_CALLERS: String(Math.max(1, 64 / shards)),
        }),
      );
      const readers = Array.from({ length: shards }, () =>
        fork({ ...common, BENCH_ROLE: 'reader', BENCH_DATABASE_URL: readerUrl, BENCH_GROUP: `${namespace}readers` }),
      );
      await Promise.all([...writers, ...readers].map((child) => child.ready));
      const applied = async () => {
        const [row]: Array<{ n: string | null }> = await reader.query('SELECT sum(seq) AS n FROM consumer_position');
        return Number(row?.n ?? 0);
      };
      const row = await measure(
        `S = ${shards}: ${shards} writer + ${shards} reader processes, append → relay → verify and apply`,
        entries,
        async () => {
          for (const writer of writers) writer.process.send({ kind: 'go' });
          await Promise.all(writers.map((writer) => writer.done));
          const deadline = Date.now() + 600_000;
          while ((await applied()) < entries) {
            if (Date.now() > deadline)
              throw new Error(`S = ${shards}: the readers applied ${await applied()} of ${entries}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      );
      for (const child of readers) child.process.send({ kind: 'stop' });
      await Promise.all(readers.map((child) => child.done));
      rows.push(compare(row, bare));
      if (first) rows.push(compare(row, first));
      first ??= row;
    }
    return { rows, extra };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    for (const source of sources) await source.destroy().catch(() => undefined);
    await launcher?.stop();
    await dropByPrefix(adminUrl, prefix).catch(() => undefined);
  }
}
