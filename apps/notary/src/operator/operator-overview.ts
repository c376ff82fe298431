import { askDepartment, type DepartmentContext } from '@registry-bus/kit';

/** What the operator view reads of the notary's runtime. */
export type OverviewContext = Pick<
  DepartmentContext,
  'dataSource' | 'definition' | 'ledger' | 'metrics' | 'registry' | 'currentTrustBundle'
>;
import { departmentOfChain, quorumOf, type TrustBundle } from '@registry-bus/protocol';
import { latestReceived, latestReceivedOfType, receivedEntry } from '@registry-bus/bus';
import { entriesWithFields, entryWithFields, latestEntries, latestEntriesOfType } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

import { CheckpointCosignatures, checkpointKey } from '../checkpoints/checkpoint-cosignatures.js';
import { maxOf, parsePrometheusText, sumOf, type MetricPage } from './prometheus-text.js';

/** One register as the operator view shows it. */
export interface DepartmentOverview {
  department: string;
  /** The chain this row is about: the department's, or one shard of a sharded register (a row each). */
  chain: string;
  url: string | null;
  reachable: boolean;
  error?: string;
  head: { treeSize: number; root: string; time: string } | null;
  lastAnchor: { notarySeq: number; treeSize: number; root: string; anchoredAt: string; witnessedBy: string[] } | null;
  lastWitnessedAnchor: {
    notarySeq: number;
    treeSize: number;
    witnessedBy: string[];
    /** Whether its cosignatures make the chain's quorum (the trust bundle's witnessing rules). */
    quorum: { required: number; counted: string[]; met: boolean; text: string };
  } | null;
  publish: { unpublished: number | null; lagSeconds: number | null };
  consumerLagRecords: number | null;
  quarantined: number | null;
  alarms: number | null;
}

export interface AlarmView {
  department: string;
  seq: number;
  time: string;
  kind: string;
  chain: string;
  detail: string;
}

export interface FeedItem {
  chain: string;
  seq: number;
  type: string;
  time: string;
}

/** An entry of this database, the notary's own or received, as the operator view lists it. */
interface ListedEntry {
  chain: string;
  seq: number;
  type: string;
  time: Date;
  /** When this database recorded or received it. */
  at: Date;
  fields: Record<string, unknown> | null;
}

/** The newest first of both lists (each newest first already), at most `limit`. */
function newestOf(own: ListedEntry[], received: ListedEntry[], limit: number): ListedEntry[] {
  return [...own, ...received].sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq).slice(0, limit);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export class OperatorOverview {
  constructor(
    private readonly runtime: OverviewContext,
    private readonly urls: Record<string, string>,
  ) {}

  private get dataSource(): DataSource {
    return this.runtime.dataSource;
  }

  async departments(): Promise<DepartmentOverview[]> {
    const anchors = await this.recentAnchors();
    const own = await this.ownOverview(anchors);
    // The registers this notary checks heads of: those it has a URL for.
    const others = await Promise.all(
      this.runtime.definition.follows
        .filter((department) => this.urls[department] !== undefined)
        .map((department) => this.chainsOverview(department, anchors)),
    );
    return [...others.flat(), own];
  }

  /** The latest alarms of every department (the notary's own and those it received), newest first. */
  async alarms(limit = 50): Promise<AlarmView[]> {
    const type = 'gov.%.alarm.raised.v1';
    const rows = newestOf(
      (await latestEntriesOfType(this.dataSource, type, limit)).map((e) => ({ ...e, at: e.recordedAt })),
      (await latestReceivedOfType(this.dataSource, type, limit)).map((e) => ({ ...e, at: e.receivedAt })),
      limit,
    );
    return rows.map((row) => ({
      department: row.chain,
      seq: row.seq,
      time: row.time.toISOString(),
      kind: text(row.fields?.kind) ?? 'unknown',
      chain: text(row.fields?.chain) ?? '',
      detail: text(row.fields?.detail) ?? '(data withheld)',
    }));
  }

  /** The latest entries that crossed the bus, as the notary saw them: chain, position, type and time only. */
  async feed(limit: number): Promise<FeedItem[]> {
    const rows = newestOf(
      (await latestEntries(this.dataSource, limit)).map((e) => ({ ...e, at: e.recordedAt, fields: null })),
      (await latestReceived(this.dataSource, limit)).map((e) => ({ ...e, at: e.receivedAt, fields: null })),
      limit,
    );
    return rows.map((row) => ({ chain: row.chain, seq: row.seq, type: row.type, time: row.time.toISOString() }));
  }

  /** One entry as the notary holds it: the envelope, and the data only of control entries (alarms, anchors…). */
  async entry(chain: string, seq: number): Promise<Record<string, unknown> | undefined> {
    const row =
      (await entryWithFields(this.dataSource, chain, seq)) ?? (await receivedEntry(this.dataSource, chain, seq));
    if (!row) return undefined;
    const control = this.runtime.registry.get(row.type)?.control === true;
    return {
      chain: row.chain,
      seq: row.seq,
      type: row.type,
      time: row.time.toISOString(),
      // The notary is granted no register data; what it holds of a control entry is public by design.
      data: control ? row.fields : null,
    };
  }

  /** A row per chain of the register: one, or one per shard (GET /v1/ledger/chains names them). */
  private async chainsOverview(department: string, anchors: RecentAnchors): Promise<DepartmentOverview[]> {
    const answer = await askDepartment(department, this.urls[department]!, '/v1/ledger/chains', 2000).catch(
      () => undefined,
    );
    const named = (answer?.status === 200 ? (answer.body as { chains?: unknown }).chains : undefined) ?? [department];
    const chains = Array.isArray(named) && named.every((chain) => typeof chain === 'string') ? named : [department];
    return Promise.all(chains.map((chain) => this.departmentOverview(department, chain, anchors)));
  }

  private async departmentOverview(
    department: string,
    chain: string,
    anchors: RecentAnchors,
  ): Promise<DepartmentOverview> {
    const url = this.urls[department]!;
    const base: DepartmentOverview = {
      department,
      chain,
      url,
      reachable: false,
      head: null,
      ...anchors.of(chain),
      publish: { unpublished: null, lagSeconds: null },
      consumerLagRecords: null,
      quarantined: null,
      alarms: null,
    };
    try {
      const [head, metrics] = await Promise.all([
        askDepartment(
          department,
          url,
          chain === department ? '/v1/ledger/head' : `/v1/ledger/head?chain=${encodeURIComponent(chain)}`,
          2000,
        ),
        askDepartment(department, url, '/metrics', 2000),
      ]);
      const samples = parsePrometheusText(typeof metrics.body === 'string' ? metrics.body : '');
      const signed = head.body as { treeSize?: number; root?: string; time?: string };
      return {
        ...base,
        reachable: head.status === 200,
        ...(head.status === 200 ? {} : { error: `head answered ${head.status}` }),
        head:
          head.status === 200 && typeof signed.treeSize === 'number'
            ? { treeSize: signed.treeSize, root: signed.root ?? '', time: signed.time ?? '' }
            : null,
        ...fromMetrics(samples, chain),
      };
    } catch (error) {
      return { ...base, error: (error as Error).message };
    }
  }

  private async ownOverview(anchors: RecentAnchors): Promise<DepartmentOverview> {
    // The notary's ledger is one chain (it refuses LEDGER_SHARDS > 1).
    const chain = this.runtime.ledger.department;
    const head = await this.runtime.ledger.head();
    const samples = parsePrometheusText(await this.runtime.metrics.registry.metrics());
    return {
      department: chain,
      chain,
      url: null,
      reachable: true,
      head: { treeSize: head.treeSize, root: head.root, time: head.time },
      ...anchors.of(chain),
      ...fromMetrics(samples, chain),
    };
  }

  /**
   * The last few hundred anchors and who cosigned them (the checkpoint
   * cosignatures, and the cosignature entries of before #23): enough to
   * name each chain's latest anchor and latest witnessed anchor on a screen
   * that refreshes every few seconds, with bounded queries.
   */
  private async recentAnchors(): Promise<RecentAnchors> {
    const anchorRows = await entriesWithFields(
      this.dataSource,
      { chains: ['notary'], type: 'gov.notary.anchor.signed.v1' },
      { newestFirst: true, limit: 500 },
    );
    const cosignatureType = 'gov.%.witness.cosigned.v1';
    const cosignatureRows = [
      ...(await latestEntriesOfType(this.dataSource, cosignatureType, 2000)),
      ...(await latestReceivedOfType(this.dataSource, cosignatureType, 2000)),
    ]
      .filter((row) => row.fields?.anchorChain === 'notary')
      .map((row) => ({ chain: row.chain, anchor_seq: String(row.fields!.anchorSeq) }));
    const witnesses = new Map<number, string[]>();
    for (const row of cosignatureRows) {
      const list = witnesses.get(Number(row.anchor_seq)) ?? [];
      if (!list.includes(row.chain)) list.push(row.chain);
      witnesses.set(Number(row.anchor_seq), list.sort());
    }
    const anchors = anchorRows.map((row) => ({
      notarySeq: row.seq,
      chain: text(row.fields?.chain) ?? '',
      treeSize: Number(row.fields?.treeSize),
      root: text(row.fields?.root) ?? '',
      anchoredAt: row.time.toISOString(),
    }));
    // Since #23 witnesses cosign the checkpoint of an anchor (kept by the notary), not in entries of their own.
    const cosigned = await new CheckpointCosignatures(this.dataSource).witnessesOf(anchors);
    return new RecentAnchors(
      this.runtime.currentTrustBundle(),
      anchors.map((anchor) => ({
        ...anchor,
        witnessedBy: [
          ...new Set([
            ...(witnesses.get(Number(anchor.notarySeq)) ?? []),
            ...(cosigned.get(checkpointKey(anchor.chain, anchor.treeSize, anchor.root)) ?? []),
          ]),
        ].sort(),
      })),
    );
  }
}

interface AnchorRow {
  notarySeq: number;
  chain: string;
  treeSize: number;
  root: string;
  anchoredAt: string;
  witnessedBy: string[];
}

class RecentAnchors {
  /** Witnesses are named by the chain they cosigned in (a sharded witness's shard): they count by department. */
  private quorumOf(chain: string, witnessedBy: readonly string[]) {
    const { required, counted, met, text } = quorumOf(
      this.bundle,
      chain,
      witnessedBy.map((witness) => departmentOfChain(witness) ?? witness),
    );
    return { required, counted, met, text };
  }

  constructor(
    private readonly bundle: TrustBundle,
    /** Newest first. */
    private readonly rows: AnchorRow[],
  ) {}

  of(chain: string): Pick<DepartmentOverview, 'lastAnchor' | 'lastWitnessedAnchor'> {
    const mine = this.rows.filter((row) => row.chain === chain);
    const last = mine[0];
    const witnessed = mine.find((row) => row.witnessedBy.length > 0);
    return {
      lastAnchor: last
        ? {
            notarySeq: last.notarySeq,
            treeSize: last.treeSize,
            root: last.root,
            anchoredAt: last.anchoredAt,
            witnessedBy: last.witnessedBy,
          }
        : null,
      lastWitnessedAnchor: witnessed
        ? {
            notarySeq: witnessed.notarySeq,
            treeSize: witnessed.treeSize,
            witnessedBy: witnessed.witnessedBy,
            quorum: this.quorumOf(chain, witnessed.witnessedBy),
          }
        : null,
    };
  }
}

/** The row's figures: publishing is per chain (the `chain` label), the rest is the department's. */
function fromMetrics(
  samples: MetricPage,
  chain: string,
): Pick<DepartmentOverview, 'publish' | 'consumerLagRecords' | 'quarantined' | 'alarms'> {
  const ofChain: MetricPage = {
    ...samples,
    samples: samples.samples.filter((sample) => sample.labels.chain === undefined || sample.labels.chain === chain),
  };
  return {
    publish: {
      unpublished: sumOf(ofChain, 'registry_bus_relay_unpublished_entries') ?? null,
      lagSeconds: maxOf(ofChain, 'registry_bus_relay_lag_seconds') ?? null,
    },
    consumerLagRecords: sumOf(samples, 'registry_bus_consumer_lag_records') ?? null,
    quarantined: sumOf(samples, 'registry_bus_consumer_quarantined_records') ?? null,
    alarms: sumOf(samples, 'registry_bus_alarms') ?? null,
  };
}
