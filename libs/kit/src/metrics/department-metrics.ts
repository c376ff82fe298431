import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TransportAdmin } from '@registry-bus/bus';
import type { DataSource } from 'typeorm';
import { consumerPositions, latestAnchoredTreeSize, quarantineCounts } from '@registry-bus/bus';
import { countEntriesByField, headSeq, maxIntegerField, unpublishedEntries } from '@registry-bus/ledger';

export interface MetricsSources {
  department: string;
  /** The ledger's chains: the department's one, or its shards. Per-chain gauges carry a `chain` label. */
  chains: readonly string[];
  dataSource: DataSource;
  /** An admin client for the consumer's lag; absent when the department follows no one. */
  kafkaAdmin?: () => Promise<TransportAdmin>;
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
    perChain('registry_bus_ledger_head_seq', 'Sequence number of the newest entry of the chain', (chain) =>
      headSeq(dataSource, chain),
    );
    perChain(
      'registry_bus_relay_unpublished_entries',
      'Entries committed to the chain and not yet on Kafka (the publish lag, in entries)',
      async (chain) => (await unpublishedEntries(dataSource, chain)).count,
    );
    perChain(
      'registry_bus_relay_lag_seconds',
      'Age of the oldest entry of the chain not yet on Kafka (0 when everything is published)',
      async (chain) => (await unpublishedEntries(dataSource, chain)).oldestAgeSeconds,
    );
    new Gauge({
      name: 'registry_bus_consumer_quarantined_records',
      help: 'Records in this department’s quarantine, by code',
      labelNames: ['code'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { code, count } of await quarantineCounts(dataSource)) this.set({ code }, count);
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
        const kinds = await countEntriesByField(
          dataSource,
          { chains, type: `gov.${department}.alarm.raised.v1` },
          'kind',
        );
        for (const { value, count } of kinds) this.set({ kind: value ?? '' }, count);
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
          const positions = await consumerPositions(dataSource);
          // The broker away (or slow to connect under load): no lag to report this scrape, not a failed scrape.
          const admin = await kafkaAdmin().catch(() => undefined);
          if (!admin) return;
          for (const topic of new Set(positions.map((p) => p.topic))) {
            // On a broker with ACLs a revoked grant makes a ledger unreadable: no lag to report for it.
            const offsets = await admin.topicOffsets(topic).catch(() => undefined);
            if (!offsets) continue;
            let lag = 0;
            for (const partition of offsets) {
              const applied = positions.find((p) => p.topic === topic && p.partition === partition.partition);
              lag += Math.max(0, Number(partition.high) - (applied ? Number(applied.offset) + 1 : 0));
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
  const head = await headSeq(dataSource, chain);
  let anchored = await latestAnchoredTreeSize(dataSource, chain, { cosignedHere: witnessed });
  if (witnessed) {
    // Cosigned by this department itself: its cosignature names the anchored chain and tree size.
    const ownCosigned = await maxIntegerField(
      dataSource,
      { chains: own, typeLike: 'gov.%.witness.cosigned.v1', fields: { chain } },
      'treeSize',
    );
    anchored = Math.max(anchored, ownCosigned ?? 0);
  }
  return Math.max(0, head - anchored);
}
