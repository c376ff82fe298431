import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';

export interface MetricsSources {
  department: string;
  /** The ledger's chains: the department's one, or its shards. Per-chain gauges carry a `chain` label. */
  chains: readonly string[];
  dataSource: DataSource;
  /** An admin client for the consumer's lag; absent when the department follows no one. */
  kafkaAdmin?: () => Promise<Admin>;
}

/**
 * The Prometheus surface of a department (`GET /metrics`): what an operator
 * watches to see that the register is writing, publishing and consuming.
 * Counters move with the work; lags are measured at scrape time from the
 * database and the broker, so they are right even after a restart.
 */
export class DepartmentMetrics {
  readonly registry = new Registry();
  readonly appendedEntries: Counter;
  readonly commands: Counter<'outcome'>;
  readonly quarantinedNow: Counter<'code'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly accessAudit: Counter<'decision' | 'owner'>;
  readonly consumed: Counter<'topic' | 'outcome'>;
  /** Per chain: the head when counting started, then the last committed seq. */
  private readonly lastCommittedSeq = new Map<string, number>();

  constructor(private readonly sources: MetricsSources) {
    this.registry.setDefaultLabels({ department: sources.department });
    collectDefaultMetrics({ register: this.registry, prefix: 'registry_bus_process_' });
    this.appendedEntries = new Counter({
      name: 'registry_bus_ledger_appended_entries_total',
      help: 'Entries appended to this department’s ledger since the app started',
      registers: [this.registry],
    });
    this.commands = new Counter({
      name: 'registry_bus_commands_total',
      help: 'Commands by outcome (appended, replayed, refused)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.quarantinedNow = new Counter({
      name: 'registry_bus_consumer_quarantined_since_start_total',
      help: 'Records this consumer quarantined since the app started, by code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.accessAudit = new Counter({
      name: 'registry_bus_access_audit_total',
      help: 'Entries of followed ledgers whose data was denied or redacted by the grants, since the app started',
      labelNames: ['decision', 'owner'],
      registers: [this.registry],
    });
    this.consumed = new Counter({
      name: 'registry_bus_consumer_records_total',
      help: 'Records of followed ledgers through the consumer pipeline since the app started, by outcome (entries ingested/s: rate of outcome="applied")',
      labelNames: ['topic', 'outcome'],
      registers: [this.registry],
    });
    this.requestDuration = new Histogram({
      name: 'registry_bus_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const { dataSource, chains } = sources;
    /** A gauge with one sample per chain of the ledger (a sharded ledger has several). */
    const perChain = (name: string, help: string, measure: (chain: string) => Promise<number>) =>
      new Gauge({
        name,
        help,
        labelNames: ['chain'],
        registers: [this.registry],
        async collect() {
          for (const chain of chains) this.set({ chain }, await measure(chain));
        },
      });
    perChain('registry_bus_ledger_head_seq', 'Sequence number of the newest entry of the chain', async (chain) => {
      const rows: Array<{ seq: string | null }> = await dataSource.query(
        'SELECT max(seq) AS seq FROM ledger_entry WHERE chain = $1',
        [chain],
      );
      return Number(rows[0]?.seq ?? 0);
    });
    perChain(
      'registry_bus_relay_unpublished_entries',
      'Entries committed to the chain and not yet on Kafka (the publish lag, in entries)',
      (chain) => unpublished(dataSource, chain, 'count'),
    );
    perChain(
      'registry_bus_relay_lag_seconds',
      'Age of the oldest entry of the chain not yet on Kafka (0 when everything is published)',
      (chain) => unpublished(dataSource, chain, 'age'),
    );
    new Gauge({
      name: 'registry_bus_consumer_quarantined_records',
      help: 'Records in this department’s quarantine, by code',
      labelNames: ['code'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows: Array<{ code: string; n: string }> = await dataSource.query(
          'SELECT code, count(*) AS n FROM consumer_quarantine GROUP BY code',
        );
        for (const row of rows) this.set({ code: row.code }, Number(row.n));
      },
    });
    const department = sources.department;
    new Gauge({
      name: 'registry_bus_alarms',
      help: 'Alarm entries in this department’s ledger, by kind (equivocation, head-mismatch, witness-mismatch, gap…): any is a page',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows: Array<{ kind: string; n: string }> = await dataSource.query(
          `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'kind' AS kind, count(*) AS n
             FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
            WHERE e.chain = ANY($1) AND e.type = $2 GROUP BY 1`,
          [chains, `gov.${department}.alarm.raised.v1`],
        );
        for (const row of rows) this.set({ kind: row.kind }, Number(row.n));
      },
    });
    // The notary's own ledger is not anchored by the notary: it is held by its witnesses' cosignatures.
    if (department !== 'notary') {
      perChain(
        'registry_bus_unanchored_entries',
        'Entries of the chain beyond the latest notary anchor of it (the anchoring lag, in entries)',
        (chain) => beyondAnchor(dataSource, chain, chains, false),
      );
      perChain(
        'registry_bus_unwitnessed_entries',
        'Entries of the chain beyond the latest anchor of it that a witness cosigned',
        (chain) => beyondAnchor(dataSource, chain, chains, true),
      );
    }
    const kafkaAdmin = sources.kafkaAdmin;
    if (kafkaAdmin) {
      new Gauge({
        name: 'registry_bus_consumer_lag_records',
        help: 'Records on a followed ledger topic that this department has not applied yet',
        labelNames: ['topic'],
        registers: [this.registry],
        async collect() {
          this.reset();
          const positions: Array<{ topic: string; kafka_partition: number; kafka_offset: string }> =
            await dataSource.query('SELECT topic, kafka_partition, kafka_offset FROM consumer_position');
          const admin = await kafkaAdmin();
          for (const topic of new Set(positions.map((p) => p.topic))) {
            // On a broker with ACLs a revoked grant makes a ledger unreadable: no lag to report for it.
            const offsets = await admin.fetchTopicOffsets(topic).catch(() => undefined);
            if (!offsets) continue;
            let lag = 0;
            for (const partition of offsets) {
              const applied = positions.find((p) => p.topic === topic && p.kafka_partition === partition.partition);
              lag += Math.max(0, Number(partition.high) - (applied ? Number(applied.kafka_offset) + 1 : 0));
            }
            this.set({ topic }, lag);
          }
        },
      });
    }
  }

  /** The chain committed up to `lastSeq`: count the new entries. */
  committed(chain: string, lastSeq: number): void {
    const last = this.lastCommittedSeq.get(chain);
    if (last !== undefined && lastSeq > last) this.appendedEntries.inc(lastSeq - last);
    this.lastCommittedSeq.set(chain, Math.max(lastSeq, last ?? 0));
  }

  /** Sets the starting point of the append counter of a chain (its head when the app started). */
  startFrom(chain: string, seq: number): void {
    this.lastCommittedSeq.set(chain, seq);
  }
}

async function unpublished(dataSource: DataSource, chain: string, what: 'count' | 'age'): Promise<number> {
  const rows: Array<{ n: string; age: number | null }> = await dataSource.query(
    `SELECT count(*) AS n, extract(epoch FROM now() - min(e.time))::float8 AS age
       FROM ledger_entry e
      WHERE e.chain = $1 AND e.seq > coalesce((SELECT published_seq FROM relay_cursor WHERE chain = $1), 0)`,
    [chain],
  );
  return what === 'count' ? Number(rows[0]?.n ?? 0) : Math.max(0, rows[0]?.age ?? 0);
}

/**
 * Head minus the tree size of the latest anchor of `chain` this department
 * received (optionally: a cosigned one — by another department, or by this
 * one in any of its `own` chains).
 */
async function beyondAnchor(
  dataSource: DataSource,
  chain: string,
  own: readonly string[],
  witnessed: boolean,
): Promise<number> {
  const rows: Array<{ head: string | null; anchored: string | null }> = await dataSource.query(
    `SELECT (SELECT max(seq) FROM ledger_entry WHERE chain = $1) AS head,
            (SELECT max((convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'treeSize')::bigint)
               FROM received_entry e JOIN received_entry_data d ON d.source_chain = e.source_chain AND d.seq = e.seq
              WHERE e.source_chain = 'notary' AND e.type = 'gov.notary.anchor.signed.v1'
                AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = $1
                AND (NOT $2 OR EXISTS (
                  SELECT 1 FROM ledger_entry c JOIN ledger_entry_data cd ON cd.chain = c.chain AND cd.seq = c.seq
                   WHERE c.chain = ANY($3) AND c.type LIKE 'gov.%.witness.cosigned.v1'
                     AND convert_from(cd.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'anchorSeq' = e.seq::text
                  UNION ALL
                  SELECT 1 FROM received_entry c JOIN received_entry_data cd ON cd.source_chain = c.source_chain AND cd.seq = c.seq
                   WHERE c.type LIKE 'gov.%.witness.cosigned.v1'
                     AND convert_from(cd.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'anchorSeq' = e.seq::text))) AS anchored`,
    [chain, witnessed, own],
  );
  return Math.max(0, Number(rows[0]?.head ?? 0) - Number(rows[0]?.anchored ?? 0));
}
