// `npm run bench -- e2e [--events N] [--rest N] [--pledges N] [--rate R1,R2] [--seconds S] [--concurrency C]
// [--shards S] [--clients kafkajs,platformatic] [--sealed N] [--only sealed]`: the whole bus on this machine, on each Kafka client in turn — land's commands (land split into S shards with
// --shards, as LEDGER_SHARDS does; every position below is a (chain, seq)) to credit's verified,
// permitted projection, with the notary anchoring and the departments
// witnessing — beside bare kafkajs and @platformatic/kafka produce+consume of
// the same record bytes and a bare multi-row INSERT of the same entry rows,
// all in the same run with the same durability; then sealed data (issue #28: N entries a phase, without and with a
// key release; `--only sealed` runs that part alone). Uses DATABASE_URL (admin) or
// the local Postgres, and KAFKA_BROKERS or a launcher instance of its own.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Consumer as PlatformaticConsumer, Producer as PlatformaticProducer } from '@platformatic/kafka';
import {
  DEFAULT_KAFKA_CLIENT,
  KAFKA_CLIENTS,
  createKafka,
  ensureTopics,
  transportAdminOf,
  type KafkaClientName,
} from '@registry-bus/bus';
import { KEY_RELEASE_QUERY } from '@registry-bus/kit';
import {
  SubjectKeyStore,
  createDataSource,
  encodeSealedEntry,
  encodeStoredEntry,
  ledgerMigrations,
  loadOrCreateDataKek,
  runMigrations,
  type StoredEntry,
} from '@registry-bus/ledger';
import {
  encodeRecord,
  loadEncryptionKeyPair,
  nodeSigner,
  openKeyRelease,
  parseStrictJsonBytes,
  sealEntrySync,
  testSigner,
  type SealedEnvelope,
} from '@registry-bus/protocol';
import {
  ENV_KEYS,
  KafkaLauncher,
  LOCAL_POSTGRES_ADMIN_URL,
  compare,
  createDatabase,
  dropByPrefix,
  measure,
  newRunId,
  runPrefix,
  type BenchRow,
} from '@registry-bus/testing';
import autocannon from 'autocannon';

import { DepartmentStack } from '../e2e/department-stack.js';

const parcel = (id: string) => ({
  cadastralNumber: id,
  areaSquareMetres: '500.00',
  location: 'Mtskheta',
  landUse: 'agricultural',
  owners: [{ ownerId: `person:${id}`, share: '1' }],
  basis: { documentType: 'survey', reference: `S-${id}` },
});
const draft = (id: string) => ({
  type: 'gov.land.parcel.registered.v1',
  subject: id,
  data: parcel(id),
  actor: 'clerk:bench',
});

const now = () => performance.timeOrigin + performance.now();
const REST_REQUEST = join(dirname(fileURLToPath(import.meta.url)), 'rest-request.cjs');
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? NaN),
  };
};

/* eslint-disable @typescript-eslint/no-explicit-any -- the optional librdkafka client is loaded untyped */
interface ConfluentModule {
  version: string;
  Kafka: new (config: unknown) => { producer(config: unknown): any; consumer(config: unknown): any };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function loadConfluent(): Promise<ConfluentModule | undefined> {
  const folder = process.env.CONFLUENT_KAFKA_JAVASCRIPT;
  if (!folder) return undefined;
  const require = createRequire(join(folder, 'package.json'));
  const module = require(folder) as { KafkaJS: { Kafka: ConfluentModule['Kafka'] }; librdkafkaVersion: string };
  return { version: `(librdkafka ${module.librdkafkaVersion})`, Kafka: module.KafkaJS.Kafka };
}

/** Busy and total jiffies of the whole machine (every process: Node, Postgres, Kafka). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
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

/** A position in land's ledger: `land:17`, or `land/1:17` on a sharded land. */
const at = (chain: string, seq: number | string) => `${chain}:${seq}`;

interface Observed {
  /** When each land position was first seen in credit's projection, anchored by the notary, witnessed. */
  projected: Map<string, number>;
  anchored: Map<string, number>;
  witnessed: Map<string, number>;
  lag: Array<{ t: number; unpublished: number; consumerLag: number }>;
}

/**
 * Watches the three databases while the load runs: credit's position on
 * each of land's chains (applied in order, so every seq up to it is
 * projected), the notary's latest anchor of each, the latest witnessed one,
 * and the lags. Polling every 20 ms (witnessing every 100 ms) bounds the
 * error of each latency by that interval.
 */
function observe(stack: DepartmentStack): { observed: Observed; stop: () => Promise<void> } {
  const landRuntime = stack.get('land').runtime;
  const land = landRuntime.dataSource;
  const chains = landRuntime.ledger.chains;
  const credit = stack.get('credit').runtime.dataSource;
  const notary = stack.get('notary').runtime.dataSource;
  const observed: Observed = { projected: new Map(), anchored: new Map(), witnessed: new Map(), lag: [] };
  const marks = {
    projected: new Map<string, number>(),
    anchored: new Map<string, number>(),
    witnessed: new Map<string, number>(),
  };
  const advance = (map: Map<string, number>, key: keyof typeof marks, chain: string, upTo: number, when: number) => {
    const from = marks[key].get(chain) ?? 0;
    for (let seq = from + 1; seq <= upTo; seq++) map.set(at(chain, seq), when);
    marks[key].set(chain, Math.max(from, upTo));
  };
  const perChain = (rows: Array<{ chain: string; seq: string | null }>) =>
    new Map(rows.map((row) => [row.chain, Number(row.seq ?? 0)]));
  let running = true;
  let round = 0;
  let lastLag = 0;
  const loop = (async () => {
    while (running) {
      const when = now();
      const [positions, anchors] = await Promise.all([
        credit.query(`SELECT source_chain AS chain, seq FROM consumer_position WHERE source_chain = ANY($1)`, [
          chains,
        ]) as Promise<Array<{ chain: string; seq: string }>>,
        notary.query(`SELECT chain, tree_size AS seq FROM notary_anchor WHERE chain = ANY($1)`, [chains]) as Promise<
          Array<{ chain: string; seq: string }>
        >,
      ]);
      const projected = perChain(positions);
      for (const [chain, seq] of projected) advance(observed.projected, 'projected', chain, seq, when);
      for (const [chain, seq] of perChain(anchors)) advance(observed.anchored, 'anchored', chain, seq, when);
      if (round++ % 5 === 0) {
        // Witnessed: credit (a department other than land) cosigned an anchor of the chain at this size.
        const witnessed: Array<{ chain: string; seq: string | null }> = await credit.query(
          `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' AS chain,
                  max((convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'treeSize')::bigint) AS seq
             FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
            WHERE e.chain = 'credit' AND e.type = 'gov.credit.witness.cosigned.v1'
              AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = ANY($1)
            GROUP BY 1`,
          [chains],
        );
        for (const [chain, seq] of perChain(witnessed)) advance(observed.witnessed, 'witnessed', chain, seq, when);
      }
      if (when - lastLag >= 500) {
        lastLag = when;
        const [heads, cursors] = await Promise.all([
          land.query(`SELECT chain, max(seq) AS seq FROM ledger_entry WHERE chain = ANY($1) GROUP BY chain`, [
            chains,
          ]) as Promise<Array<{ chain: string; seq: string | null }>>,
          land.query(`SELECT chain, published_seq AS seq FROM relay_cursor WHERE chain = ANY($1)`, [chains]) as Promise<
            Array<{ chain: string; seq: string }>
          >,
        ]);
        const published = perChain(cursors);
        let unpublished = 0;
        let consumerLag = 0;
        for (const [chain, top] of perChain(heads)) {
          unpublished += top - (published.get(chain) ?? 0);
          consumerLag += top - (projected.get(chain) ?? 0);
        }
        observed.lag.push({ t: Math.round(when), unpublished, consumerLag });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    observed,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Latencies from each command's send time to when its position was projected, anchored and witnessed. */
function latencies(sent: Map<string, number>, observed: Observed) {
  const of = (map: Map<string, number>) =>
    summary([...sent].flatMap(([seq, at]) => (map.has(seq) ? [map.get(seq)! - at] : [])));
  return { projection: of(observed.projected), anchored: of(observed.anchored), witnessed: of(observed.witnessed) };
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The pledge saga under load: `count` pledges requested through credit's REST API on parcels land registered,
 * each timed from its request to the moment credit's read model shows it active (after land's reaction).
 */
async function pledgeSaga(
  stack: DepartmentStack,
  count: number,
  connections: number,
): Promise<{ row: BenchRow; figures: Record<string, unknown> }> {
  const land = stack.get('land').runtime.dataSource;
  const credit = stack.get('credit').runtime.dataSource;
  const parcels: Array<{ subject: string }> = await land.query(
    `SELECT subject FROM ledger_entry WHERE chain = ANY($2) AND type = 'gov.land.parcel.registered.v1' AND subject LIKE 'R-%'
      ORDER BY time, seq LIMIT $1`,
    [count, stack.get('land').runtime.ledger.chains],
  );
  const clerk = await stack.token('credit', 'clerk', 'clerk:bench-bank', 'bank:bench');
  await stack.bankWithLoan('bank:bench', 'L-BENCH', 'person:bench', clerk);
  const sent = new Map<string, number>();
  const active = new Map<string, number>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const at = now();
      const rows: Array<{ pledge_id: string }> = await credit.query(
        `SELECT pledge_id FROM credit_pledge WHERE status = 'active' AND pledge_id LIKE 'PB-%'`,
      );
      for (const { pledge_id: id } of rows) if (!active.has(id)) active.set(id, at);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const cpu = process.cpuUsage();
  const started = now();
  let refused = 0;
  await pool(parcels.length, connections, async (i) => {
    const pledgeId = `PB-${i}`;
    sent.set(pledgeId, now());
    const answer = await stack.call('credit', 'POST', '/v1/pledges', {
      token: clerk,
      body: {
        pledgeId,
        cadastralNumber: parcels[i]!.subject,
        bankId: 'bank:bench',
        loanId: 'L-BENCH',
        pledgor: `person:${parcels[i]!.subject}`,
        basis: { documentType: 'loan-agreement', reference: 'L-BENCH' },
      },
    });
    if (answer.status !== 201) refused++;
  });
  if (refused > 0) throw new Error(`pledge saga: ${refused} pledge requests were refused`);
  await waitFor('every pledge active', async () => active.size >= parcels.length, 600_000);
  const elapsed = (now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  watching = false;
  await watcher;
  return {
    row: {
      name: `pledge saga: credit's REST command → land's reaction → credit's pledge active (${connections} connections)`,
      operations: parcels.length,
      seconds: elapsed,
      perSecond: parcels.length / elapsed,
    },
    figures: {
      latencyMs: summary([...sent].map(([id, at]) => active.get(id)! - at)),
      cpuMicrosecondsPerSaga: Math.round((used.user + used.system) / parcels.length),
    },
  };
}

const PARCEL_REGISTERED = 'gov.land.parcel.registered.v1';

/**
 * Sealed data end to end (issue #28): land's in-process appends to credit's kept data, on one stack, in three
 * phases of `count` entries, each a grant more than the one before (grants only add): (1) no grant of land's to
 * credit — nothing to open, no key release asked; (2) only public fields of the registrations granted — credit
 * keeps them, and still asks land once per Kafka batch (the opener asks an owner that granted it anything and sends
 * sealed entries; the release comes back empty); (3) a sealed field granted (`owners`) — every batch's release
 * carries a key per entry, opened and checked against its commitment. Every phase seals on land's relay (sealing
 * does not depend on who follows), so the owner's side is measured apart: the relay's encoding of the same stored
 * entries in clear and sealed, and one follower's key release round trip.
 */
async function sealedData(
  stack: DepartmentStack,
  count: number,
  concurrency: number,
  on: (name: string) => string,
): Promise<{ rows: BenchRow[]; figures: Record<string, unknown> }> {
  const land = stack.get('land').runtime;
  const credit = stack.get('credit').runtime;
  const [chain] = land.ledger.chains;
  if (!chain || land.ledger.chains.length !== 1) throw new Error('sealed data: land runs unsharded here');
  const landHead = async () => (await land.ledger.reader.head(chain))?.seq ?? 0;
  const creditPosition = async () => {
    const rows: Array<{ seq: string }> = await credit.dataSource.query(
      `SELECT seq FROM consumer_position WHERE source_chain = $1`,
      [chain],
    );
    return Number(rows[0]?.seq ?? 0);
  };
  /** The key releases land answered or refused credit so far (its query audit), and the field keys released. */
  const releases = async () => {
    const [row]: Array<{ answered: number; refused: number; keys: number }> = await land.dataSource.query(
      `SELECT count(*) FILTER (WHERE outcome = 'answered')::int AS answered,
              count(*) FILTER (WHERE outcome = 'refused')::int AS refused,
              coalesce(sum(cardinality(fields)), 0)::int AS keys
         FROM query_audit WHERE query = $1 AND requester = 'credit'`,
      [KEY_RELEASE_QUERY],
    );
    return row!;
  };
  /** How many of these land entries credit kept data of, and the fields it kept of the last one. */
  const kept = async (seqs: number[]) => {
    const [counted]: Array<{ n: number }> = await credit.dataSource.query(
      `SELECT count(*)::int AS n FROM received_entry_data WHERE source_chain = $1 AND seq = ANY($2::bigint[])`,
      [chain, seqs],
    );
    const [last]: Array<{ disclosure: Buffer }> = await credit.dataSource.query(
      `SELECT disclosure FROM received_entry_data WHERE source_chain = $1 AND seq = $2`,
      [chain, Math.max(...seqs)],
    );
    const fields = last
      ? Object.keys(
          (parseStrictJsonBytes(last.disclosure, 'a kept disclosure') as { fields: Record<string, unknown> }).fields,
        ).sort()
      : [];
    return { entries: counted!.n, fields };
  };

  /** Where a phase that does not finish stands: what credit applied, quarantined, and the last releases asked. */
  const stalled = async () => ({
    credit: await creditPosition(),
    land: await landHead(),
    quarantined: await credit.dataSource.query(
      `SELECT topic, seq, code, reason FROM consumer_quarantine ORDER BY id DESC LIMIT 3`,
    ),
    releases: await land.dataSource.query(
      `SELECT outcome, code, reason, created_at, jsonb_array_length(params -> 'seqs') AS seqs,
              params -> 'seqs' -> 0 AS first
         FROM query_audit WHERE query = $1 ORDER BY id DESC LIMIT 3`,
      [KEY_RELEASE_QUERY],
    ),
  });

  let n = 0;
  const phase = async (name: string, entries: number) => {
    const head = await landHead();
    await waitFor(`${name}: credit to catch up with land`, async () => (await creditPosition()) >= head, 120_000);
    const before = await releases();
    // Commit (the append resolved), publish (land's relay cursor) and apply (credit's position, in the transaction
    // that writes received_entry_data) of each entry; polled every 20 ms, which bounds the error of each latency.
    const committed = new Map<number, number>();
    const published = new Map<number, number>();
    const applied = new Map<number, number>();
    const marks = { published: head, applied: head };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const when = now();
        const [cursor, position]: [Array<{ seq: string }>, number] = await Promise.all([
          land.dataSource.query(`SELECT published_seq AS seq FROM relay_cursor WHERE chain = $1`, [chain]),
          creditPosition(),
        ]);
        while (marks.published < Number(cursor[0]?.seq ?? 0)) published.set(++marks.published, when);
        while (marks.applied < position) applied.set(++marks.applied, when);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const cpu = process.cpuUsage();
    const ticks = machineTicks();
    const started = now();
    const seqs: number[] = [];
    let finished = { at: 0, cpu: { user: 0, system: 0 }, ticks };
    try {
      await pool(entries, concurrency, async () => {
        const result = await land.ledger.append({
          chain,
          decide: () => ({ entries: [draft(`S-${++n}`)] }),
        });
        committed.set(result.entries[0]!.seq, now());
      });
      seqs.push(...committed.keys());
      const last = Math.max(...seqs);
      await waitFor(`${name}: credit to apply land seq ${last}`, async () => applied.has(last), 120_000).catch(
        async (error: Error) => {
          throw new Error(`${error.message}; ${JSON.stringify(await stalled())}`);
        },
      );
      finished = { at: now(), cpu: process.cpuUsage(cpu), ticks: machineTicks() };
    } finally {
      // Stopped before the stack is, whatever happened: its queries would outlive the databases.
      watching = false;
      await watcher.catch(() => undefined);
    }
    const elapsed = (finished.at - started) / 1000;
    const { cpu: used, ticks: after } = finished;
    const lastPublished = Math.max(...seqs.map((seq) => published.get(seq) ?? 0));
    const asked = await releases();
    const busyShare = (after.busy - ticks.busy) / (after.total - ticks.total);
    const since = (map: Map<number, number>, from: Map<number, number>) =>
      summary(seqs.flatMap((seq) => (map.has(seq) && from.has(seq) ? [map.get(seq)! - from.get(seq)!] : [])));
    const releasesAsked = asked.answered - before.answered;
    return {
      seqs,
      row: { name, operations: entries, seconds: elapsed, perSecond: entries / elapsed } satisfies BenchRow,
      kept: await kept(seqs),
      figures: {
        msPerEntry: Math.round((elapsed / entries) * 1e6) / 1e3,
        latencyMs: { commitToPublished: since(published, committed), commitToApplied: since(applied, committed) },
        relayPerSecond: Math.round(entries / ((lastPublished - started) / 1000)),
        keyRelease: {
          asked: releasesAsked,
          refused: asked.refused - before.refused,
          fieldKeys: asked.keys - before.keys,
          entriesPerRelease: releasesAsked > 0 ? Math.round(entries / releasesAsked) : null,
        },
        cpuMicrosecondsPerEntry: {
          node: Math.round((used.user + used.system) / entries),
          machine: Math.round(((busyShare * cpus().length * elapsed) / entries) * 1e6),
        },
      },
    };
  };
  const expectKept = (
    phaseName: string,
    result: { kept: { entries: number; fields: string[] } },
    entries: number,
    fields: string[],
  ) => {
    if (result.kept.entries !== entries || result.kept.fields.join() !== fields.join())
      throw new Error(
        `sealed data, ${phaseName}: credit kept data of ${result.kept.entries} entries (${result.kept.fields.join(', ')}), not ${entries} (${fields.join(', ')})`,
      );
  };

  // Unmeasured: warms the JIT, the pools and the subject key cache paths on the same bus.
  await phase('warm-up', Math.min(1000, count));
  const callers = `${concurrency} callers, ${count} entries`;
  const ungranted = await phase(
    on(`sealed data (1): land → credit, no grant — no key release (commit → credit applied, ${callers})`),
    count,
  );
  expectKept('no grant', ungranted, 0, []);
  await stack.grant('land', 'credit', [PARCEL_REGISTERED], ['cadastralNumber', 'landUse']);
  const publicOnly = await phase(
    on(
      `sealed data (2): only public fields granted — no key release (no sealed field granted) (→ received_entry_data, ${callers})`,
    ),
    count,
  );
  expectKept('public fields granted', publicOnly, count, ['cadastralNumber', 'landUse']);
  await stack.grant('land', 'credit', [PARCEL_REGISTERED], ['owners']);
  const sealedGranted = await phase(
    on(`sealed data (3): sealed owners granted — a key per entry released a batch (→ received_entry_data, ${callers})`),
    count,
  );
  expectKept('owners granted', sealedGranted, count, ['cadastralNumber', 'landUse', 'owners']);
  const rows: BenchRow[] = [
    ungranted.row,
    compare(publicOnly.row, ungranted.row),
    compare(sealedGranted.row, publicOnly.row),
    compare(sealedGranted.row, ungranted.row),
  ];

  // One follower's key release round trip, as the opener makes it for a batch: ask land over the request/reply
  // topics for the keys of `size` entries whose owners credit may read, open the HPKE release.
  const size = 500;
  const granted = [...sealedGranted.seqs].sort((a, b) => a - b);
  const trips = Math.min(10, Math.floor(granted.length / size));
  const key = loadEncryptionKeyPair(join(stack.local, 'keys', 'credit'));
  const tripMs: number[] = [];
  let keysReleased = 0;
  const roundTrip = await measure(
    on(`key release round trip: credit asks land the owners' keys of ${size} entries, opens the release`),
    trips * size,
    async () => {
      for (let trip = 0; trip < trips; trip++) {
        const began = now();
        const reply = await credit.queries.ask(
          'land',
          KEY_RELEASE_QUERY,
          { chain, seqs: granted.slice(trip * size, (trip + 1) * size) },
          30_000,
        );
        if (!reply.result.ok) throw new Error(`key release refused: ${reply.result.code}: ${reply.result.reason}`);
        const release = await openKeyRelease((reply.result.answer as { release: unknown }).release, {
          grantee: 'credit',
          keyId: key.keyId,
          privateKey: key.privateKey,
        });
        keysReleased += release.keys.length;
        tripMs.push(now() - began);
      }
    },
  );
  if (keysReleased !== trips * size)
    throw new Error(`key release round trip: ${keysReleased} keys released, not ${trips * size}`);
  rows.push(roundTrip);

  // The owner's relay: the same stored entries encoded as before issue #28 (in clear) and as the relay now does
  // (its batch's subject keys in one query, each sealed field encrypted under its derived key).
  const stored: StoredEntry[] = (
    (await land.dataSource.query(
      `SELECT e.chain, e.seq, e.id, e.type, e.subject, e.time, e.hash, e.envelope, e.sig, e.keyid, d.disclosure
         FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.chain = $1 AND e.seq = ANY($2::bigint[]) ORDER BY e.seq`,
      [chain, granted],
    )) as Array<Omit<StoredEntry, 'seq' | 'disclosure'> & { seq: string; disclosure: Buffer }>
  ).map((row) => ({ ...row, seq: Number(row.seq) }));
  const relayBatch = 500;
  let clearBytes = 0;
  const clear = await measure(
    on(`relay encoding of ${stored.length} stored entries in clear (before #28)`),
    stored.length,
    () => {
      for (const entry of stored) clearBytes += encodeStoredEntry(entry).value.length;
    },
  );
  // A store of its own, its cache cold: the relay meets a new parcel's subject for the first time too.
  const subjectKeys = new SubjectKeyStore(land.dataSource, 'land', loadOrCreateDataKek(land.config.KEYS_DIR));
  const publicFields = land.registry.get(PARCEL_REGISTERED)?.publicFields ?? [];
  let sealedBytes = 0;
  const sealedEncoding = await measure(
    on(`relay encoding of the same entries sealed (subject keys a batch of ${relayBatch}, owners encrypted)`),
    stored.length,
    async () => {
      for (let i = 0; i < stored.length; i += relayBatch) {
        const batch = stored.slice(i, i + relayBatch);
        const keys = await subjectKeys.keysFor([...new Set(batch.map((entry) => entry.subject))], true);
        const records = await Promise.all(
          batch.map((entry) => encodeSealedEntry(entry, { subjectKey: keys.get(entry.subject)!, publicFields })),
        );
        for (const record of records) sealedBytes += record.value.length;
      }
    },
  );
  rows.push(clear, compare(sealedEncoding, clear));

  return {
    rows,
    figures: {
      entriesPerPhase: count,
      noGrant: ungranted.figures,
      publicFieldsGranted: publicOnly.figures,
      ownersGranted: sealedGranted.figures,
      keyReleaseRoundTripMs: summary(tripMs),
      relayEncodingMicrosecondsPerEntry: {
        clear: Math.round((clear.seconds / stored.length) * 1e7) / 10,
        sealed: Math.round((sealedEncoding.seconds / stored.length) * 1e7) / 10,
      },
      recordBytes: {
        clear: Math.round(clearBytes / stored.length),
        sealed: Math.round(sealedBytes / stored.length),
      },
    },
  };
}

export default async function e2eBench(args: string[]): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '20000' },
      rest: { type: 'string', default: '5000' },
      rate: { type: 'string', default: '2000,500' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '64' },
      pledges: { type: 'string', default: '1000' },
      shards: { type: 'string', default: '1' },
      clients: { type: 'string', default: KAFKA_CLIENTS.join(',') },
      sealed: { type: 'string', default: '3000' },
      only: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'sealed')
    throw new Error(`--only: ${values.only} is not a part that runs alone (sealed)`);
  const sealedEntries = Number(values.sealed);
  const shards = Number(values.shards);
  const clients = values.clients.split(',').map((name) => {
    if (!(KAFKA_CLIENTS as readonly string[]).includes(name))
      throw new Error(`--clients: ${name} is not one of ${KAFKA_CLIENTS.join(', ')}`);
    return name as KafkaClientName;
  });
  const pledges = Number(values.pledges);
  const events = Number(values.events);
  const restEvents = Number(values.rest);
  const rates = values.rate.split(',').map(Number);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;
  // A run id of the test infrastructure's form (<pid36>_<random>): a CI run starting meanwhile sees this process
  // alive and leaves its databases alone; a crashed bench's are swept by the next run.
  const runId = newRunId();
  const launcher = process.env.KAFKA_BROKERS
    ? undefined
    : new KafkaLauncher({ dir: mkdtempSync(join(tmpdir(), 'rb-bench-kafka-')) });
  const brokers = process.env.KAFKA_BROKERS ?? (await launcher!.start());
  // The department stack of the end-to-end tests, on this run's Kafka and throw-away databases.
  process.env[ENV_KEYS.runId] = runId;
  process.env[ENV_KEYS.kafkaBrokers] = brokers;
  process.env[ENV_KEYS.databaseAdminUrl] = adminUrl;
  const kafka = createKafka({ clientId: 'bench-e2e', brokers: brokers.split(',') });
  const rows: BenchRow[] = [];
  const extra: Record<string, unknown> = { events, restEvents, rates, seconds, concurrency, clients };
  const stacks: DepartmentStack[] = [];
  /**
   * 3. Sealed data (issue #28): a stack of its own, as the bus's runs start it, on the apps' default client when
   * --clients lists it. On kafkajs, credit's consumer stalled in phase (3) in both runs of 2026-12-08: a notary
   * anchor credit is behind on is retried (never parked), and credit's land position stopped moving with no error —
   * most likely kafkajs fetching nothing for the land partition while that batch retries (docs/BENCHMARKS.md, "sealed data").
   */
  const sealedPart = async () => {
    const client = clients.includes(DEFAULT_KAFKA_CLIENT) ? DEFAULT_KAFKA_CLIENT : clients[0];
    const stack = new DepartmentStack();
    stack.https = false;
    stacks.push(stack);
    try {
      stack.notary = { intervalMs: 5000, everyEntries: 1000 };
      await stack.start(['land'], { KAFKA_CLIENT: client! });
      await stack.start(['credit'], { KAFKA_CLIENT: client! });
      await stack.start(['notary'], { KAFKA_CLIENT: client! });
      const sealed = await sealedData(stack, sealedEntries, concurrency, (name) => `${name} [bus on ${client}]`);
      rows.push(...sealed.rows);
      extra.sealedData = { client, ...sealed.figures };
    } finally {
      await stack.stop().catch(() => undefined);
    }
  };
  try {
    if (values.only === 'sealed') {
      await sealedPart();
      return { rows, extra };
    }
    // 1. Bare baselines: the same record bytes and entry rows our relay and ledger write.
    const signer = testSigner('land', 'key-1', nodeSigner);
    const sealed: SealedEnvelope[] = [];
    for (let seq = 1; seq <= events; seq++)
      sealed.push(
        sealEntrySync(
          {
            chain: 'land',
            seq,
            prevhash: sealed[seq - 2]?.hash ?? new Uint8Array(32),
            ...draft(`B-${seq}`),
            time: new Date(),
          },
          signer,
        ),
      );
    const records = sealed.map((entry) => encodeRecord(entry.envelope, entry.disclosure));
    const admin = kafka.admin();
    await admin.connect();
    const bareTopic = (client: string) => `${runId}.bare-${client}.gov.land.ledger`;
    await ensureTopics(
      transportAdminOf(admin),
      ['kafkajs', 'platformatic'].map((client) => ({
        topic: bareTopic(client),
        partitions: 1,
        replicationFactor: 1,
        retainForever: true,
      })),
    );
    await admin.disconnect();

    const bareKafkajs = await measure('bare kafkajs produce+consume of the same records', events, async () => {
      const topic = bareTopic('kafkajs');
      const consumer = kafka.consumer({ groupId: `${runId}.bare-kafkajs`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let consumed = 0;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch }) => {
            consumed += batch.messages.length;
            if (consumed >= events) resolve();
          },
        });
      });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (let i = 0; i < records.length; i += 500) {
        await producer.send({
          topic,
          acks: -1,
          messages: records
            .slice(i, i + 500)
            .map((r) => ({ key: r.key, value: Buffer.from(r.value), headers: r.headers, partition: 0 })),
        });
      }
      await done;
      await producer.disconnect();
      await consumer.disconnect();
    });
    rows.push(bareKafkajs);

    const barePlatformatic = await measure(
      'bare @platformatic/kafka produce+consume of the same records',
      events,
      async () => {
        const topic = bareTopic('platformatic');
        const bootstrapBrokers = brokers.split(',');
        const consumer = new PlatformaticConsumer({
          groupId: `${runId}.bare-platformatic`,
          clientId: 'bench-p-consumer',
          bootstrapBrokers,
        });
        const stream = await consumer.consume({
          topics: [topic],
          mode: 'earliest',
          autocommit: false,
          maxWaitTime: 100,
        });
        let consumed = 0;
        const done = new Promise<void>((resolve, reject) => {
          stream.on('data', () => {
            if (++consumed >= events) resolve();
          });
          stream.on('error', reject);
        });
        const producer = new PlatformaticProducer({
          clientId: 'bench-p-producer',
          bootstrapBrokers,
          idempotent: true,
          acks: -1,
        });
        for (let i = 0; i < records.length; i += 500) {
          await producer.send({
            messages: records.slice(i, i + 500).map((r) => ({
              topic,
              partition: 0,
              key: Buffer.from(r.key),
              value: Buffer.from(r.value),
              headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
            })),
          });
        }
        await done;
        await stream.close();
        await producer.close();
        await consumer.close(true);
      },
    );
    rows.push(compare(barePlatformatic, bareKafkajs));
    const bare: Record<KafkaClientName, BenchRow> = { kafkajs: bareKafkajs, platformatic: barePlatformatic };

    // @confluentinc/kafka-javascript (librdkafka) when it is built: its installer downloads a prebuilt binary,
    // which this network refuses; docs/BENCHMARKS.md says how it was built from source here. Optional: the
    // project does not depend on it, the benchmark loads it from CONFLUENT_KAFKA_JAVASCRIPT (its folder).
    const confluent = await loadConfluent();
    if (confluent) {
      const topic = bareTopic('confluent');
      const admin2 = kafka.admin();
      await admin2.connect();
      await ensureTopics(transportAdminOf(admin2), [
        { topic, partitions: 1, replicationFactor: 1, retainForever: true },
      ]);
      await admin2.disconnect();
      const bareConfluent = await measure(
        `bare @confluentinc/kafka-javascript ${confluent.version} produce+consume of the same records`,
        events,
        async () => {
          const client = new confluent.Kafka({ kafkaJS: { brokers: brokers.split(','), logLevel: 0 } });
          const consumer = client.consumer({ kafkaJS: { groupId: `${runId}.bare-confluent`, fromBeginning: true } });
          await consumer.connect();
          await consumer.subscribe({ topics: [topic] });
          let consumed = 0;
          const done = new Promise<void>((resolve) => {
            void consumer.run({
              eachBatch: async ({ batch }: { batch: { messages: unknown[] } }) => {
                consumed += batch.messages.length;
                if (consumed >= events) resolve();
              },
            });
          });
          const producer = client.producer({ kafkaJS: { idempotent: true, acks: -1 } });
          await producer.connect();
          for (let i = 0; i < records.length; i += 500) {
            await producer.send({
              topic,
              messages: records
                .slice(i, i + 500)
                .map((r) => ({ key: r.key, value: Buffer.from(r.value), headers: r.headers, partition: 0 })),
            });
          }
          await done;
          await producer.disconnect();
          await consumer.disconnect();
        },
      );
      rows.push(compare(bareConfluent, bareKafkajs));
    } else {
      extra.confluent =
        'not measured: @confluentinc/kafka-javascript is not built here (set CONFLUENT_KAFKA_JAVASCRIPT to its folder; docs/BENCHMARKS.md)';
    }

    const bareUrl = await createDatabase(adminUrl, `${runPrefix(runId)}bare`);
    await runMigrations(bareUrl, ledgerMigrations);
    const bareDb = createDataSource({ url: bareUrl, poolSize: 4 });
    await bareDb.initialize();
    await bareDb.query('CREATE TABLE bare_entry (LIKE ledger_entry INCLUDING ALL)');
    const bareInsert = await measure(
      'bare multi-row INSERT of the same entry rows (500 a transaction)',
      events,
      async () => {
        for (let i = 0; i < sealed.length; i += 500) {
          const params: unknown[] = [];
          const tuples = sealed.slice(i, i + 500).map((entry) => {
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
    await bareDb.destroy();
    rows.push(bareInsert);

    // 2. The bus on each client, a fresh stack each (its own databases and topics), in the same run.
    let firstInProcess: BenchRow | undefined;
    for (const client of clients) {
      const stack = new DepartmentStack();
      // Plain HTTP, as every figure in docs/BENCHMARKS.md so far was measured (the e2e suite runs HTTPS).
      stack.https = false;
      stacks.push(stack);
      try {
        // 2. The bus: land writes, credit keeps what land grants it, the notary anchors (its defaults: every 5 s or
        // 1,000 entries) and every department witnesses.
        stack.notary = { intervalMs: 5000, everyEntries: 1000 };
        await stack.start(['land'], { LEDGER_SHARDS: String(shards), KAFKA_CLIENT: client });
        await stack.start(['credit'], { KAFKA_CLIENT: client });
        await stack.start(['notary'], { KAFKA_CLIENT: client });
        await stack.grant('land', 'credit', ['gov.land.parcel.registered.v1']);
        await stack.pledgeSagaGrants();
        const land = stack.get('land').runtime;
        const chains = land.ledger.chains;
        extra.shards = { count: shards, chains };
        const figures: Record<string, unknown> = (extra[client] = {});
        const on = (name: string) => `${name} [bus on ${client}]`;
        /** Land's head of each chain. */
        const heads = async () =>
          new Map(
            await Promise.all(
              chains.map(async (chain) => [chain, (await land.ledger.reader.head(chain))?.seq ?? 0] as const),
            ),
          );
        /** Whether `department` has applied every chain up to `upTo`. */
        const applied = async (department: string, upTo: Map<string, number>) => {
          const rows: Array<{ chain: string; seq: string }> = await stack
            .get(department)
            .runtime.dataSource.query(
              `SELECT source_chain AS chain, seq FROM consumer_position WHERE source_chain = ANY($1)`,
              [chains],
            );
          const have = new Map(rows.map((row) => [row.chain, Number(row.seq)]));
          return [...upTo].every(([chain, seq]) => (have.get(chain) ?? 0) >= seq);
        };
        await waitFor('the grant to reach credit', async () => applied('credit', await heads()), 60_000);

        // Each run starts on a quiet bus: credit and the notary have everything land wrote before it.
        const settle = async () => {
          const upTo = await heads();
          await waitFor(
            'the followers to catch up before the next run',
            async () => (await applied('credit', upTo)) && (await applied('notary', upTo)),
            300_000,
          );
        };
        /** The last position sent on each chain. */
        const lastOfChains = (sent: Map<string, number>) => {
          const last = new Map<string, number>();
          for (const key of sent.keys()) {
            const [chain, seq] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
            last.set(chain, Math.max(last.get(chain) ?? 0, seq));
          }
          return last;
        };
        const run = async (name: string, count: number, drive: (sent: Map<string, number>) => Promise<void>) => {
          await settle();
          const watcher = observe(stack);
          const sent = new Map<string, number>();
          const cpu = process.cpuUsage();
          const ticks = machineTicks();
          const started = now();
          await drive(sent);
          const last = lastOfChains(sent);
          const lastSeq = [...last].map(([chain, seq]) => at(chain, seq)).join(', ');
          await waitFor(`${name}: credit to project ${lastSeq}`, () => applied('credit', last), 600_000);
          const elapsed = (now() - started) / 1000;
          const used = process.cpuUsage(cpu);
          const after = machineTicks();
          await waitFor(
            `${name}: the notary to anchor seq ${lastSeq}`,
            async () => [...last].every(([chain, seq]) => watcher.observed.anchored.has(at(chain, seq))),
            120_000,
          ).catch(() => undefined);
          await waitFor(
            `${name}: a witness to cosign seq ${lastSeq}`,
            async () => [...last].every(([chain, seq]) => watcher.observed.witnessed.has(at(chain, seq))),
            120_000,
          ).catch(() => undefined);
          await watcher.stop();
          const row: BenchRow = { name, operations: count, seconds: elapsed, perSecond: count / elapsed };
          const busyShare = (after.busy - ticks.busy) / (after.total - ticks.total);
          const lag = watcher.observed.lag;
          return {
            row,
            figures: {
              latencyMs: latencies(sent, watcher.observed),
              cpuMicrosecondsPerEvent: {
                node: Math.round((used.user + used.system) / count),
                machine: Math.round(((busyShare * cpus().length * elapsed) / count) * 1e6),
              },
              machineBusy: `${Math.round(busyShare * 100)} %`,
              publishLagMax: Math.max(0, ...lag.map((l) => l.unpublished)),
              consumerLagMax: Math.max(0, ...lag.map((l) => l.consumerLag)),
              lagOverTime: lag
                .filter((_, i) => i % 2 === 0)
                .map((l) => [Math.round((l.t - lag[0]!.t) / 1000), l.unpublished, l.consumerLag]),
            },
          };
        };

        let n = 0;
        const append = async (sent: Map<string, number>) => {
          const id = `E-${++n}`;
          const when = now();
          // To the subject's chain, as the command runner sends a register's commands (one chain when unsharded).
          const result = await land.ledger.append({
            chain: land.ledger.chainFor(id),
            decide: () => ({ entries: [draft(id)] }),
          });
          const [entry] = result.entries;
          sent.set(at(entry!.chain, entry!.seq), when);
        };

        // 2a. As fast as it goes, in process.
        const inProcess = await run(
          on(`in-process append → credit's projection (${concurrency} callers)`),
          events,
          (sent) => pool(events, concurrency, () => append(sent)),
        );
        // Against bare produce+consume on the same client, and the bus on the first client measured.
        rows.push(compare(inProcess.row, bare[client]), compare(inProcess.row, bareInsert));
        if (firstInProcess) rows.push(compare(inProcess.row, firstInProcess));
        firstInProcess ??= inProcess.row;
        figures.inProcess = inProcess.figures;

        // 2b. Through REST, with autocannon in a worker thread of its own (in this thread it would take the CPU the
        // apps need); each request's body says when it was sent (rest-request.cjs).
        const clerk = await stack.token('land', 'clerk', 'clerk:bench');
        const viaRest = await run(
          on(`REST POST /v1/parcels → credit's projection (autocannon, ${concurrency} connections)`),
          restEvents,
          async (sent) => {
            const before = await heads();
            const result = await autocannon({
              url: stack.get('land').url,
              connections: concurrency,
              amount: restEvents,
              workers: 1,
              requests: [
                {
                  method: 'POST',
                  path: '/v1/parcels',
                  headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
                  setupRequest: REST_REQUEST,
                } as unknown as autocannon.Request,
              ],
            });
            if (result.non2xx > 0 || result.errors > 0)
              throw new Error(`REST run: ${result.non2xx} answers were not 2xx, ${result.errors} errors`);
            for (const [chain, head] of before) {
              const written: Array<{ seq: string; location: string }> = await land.dataSource.query(
                `SELECT e.seq, convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'location' AS location
                   FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
                  WHERE e.chain = $1 AND e.seq > $2 AND e.type = 'gov.land.parcel.registered.v1'`,
                [chain, head],
              );
              for (const row of written) {
                const sentAt = /^sent (\d+)$/.exec(row.location)?.[1];
                if (sentAt) sent.set(at(chain, row.seq), Number(sentAt));
              }
            }
            figures.restHttpLatencyMs = { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max };
          },
        );
        rows.push(compare(viaRest.row, inProcess.row));
        figures.rest = viaRest.figures;

        // 2c. Steady rates, in process: the latency goal (p99 command → projection ≤ 100 ms at 2,000 events/s), and a
        // rate this machine sustains, to show the latency without a backlog.
        for (const rate of rates) {
          const total = rate * seconds;
          const steady = await run(on(`in-process at ${rate} events/s for ${seconds} s`), total, async (sent) => {
            const tickMs = 10;
            const perTick = (rate * tickMs) / 1000;
            const begin = now();
            const inflight: Array<Promise<void>> = [];
            for (let tick = 0; tick * perTick < total; tick++) {
              const due = begin + tick * tickMs;
              const wait = due - now();
              if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
              for (let k = 0; k < perTick && tick * perTick + k < total; k++) inflight.push(append(sent));
            }
            await Promise.all(inflight);
          });
          rows.push(steady.row);
          figures[`steady${rate}`] = steady.figures;
        }
        // 2d. A reaction across departments (last: its tail must not weigh on the steady runs): the pledge saga on the parcels just registered through REST. A bank's
        // clerk asks credit for a pledge (REST); land reacts with an encumbrance entry; credit records it and the
        // pledge is active. Reactions go one record at a time (they append to the reacting ledger).
        const sagaRow = await pledgeSaga(stack, Math.min(pledges, restEvents), concurrency / 2);
        rows.push({ ...sagaRow.row, name: on(sagaRow.row.name) });
        figures.pledgeSaga = sagaRow.figures;
      } finally {
        await stack.stop().catch(() => undefined);
      }
    }
    await sealedPart();
    return { rows, extra };
  } finally {
    for (const stack of stacks) await stack.stop().catch(() => undefined);
    await launcher?.stop();
    await dropByPrefix(adminUrl, runPrefix(runId)).catch(() => undefined);
  }
}
