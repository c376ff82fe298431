import type { QuorumReport } from '@registry-bus/protocol';

import type { MirrorCoverage } from './mirror-source.js';

/** What a recovery did and found, for the operator and the audit trail. */
export interface RecoveryReport {
  department: string;
  /** The chain rebuilt: the department's, or one shard (a sharded ledger's report lists its shards' in `shards`). */
  chain?: string;
  /** A sharded ledger: each shard's own report (the figures above are their sums). */
  shards?: RecoveryReport[];
  /** Where the entries came back from: the department's topic, or the mirrors other departments keep. */
  source: string;
  /** What each mirror gave, when recovering from mirrors. */
  mirrors?: MirrorCoverage[];
  /** Entries the database still had. */
  before: number;
  /** Entries read back from the topic, verified and appended. */
  restored: number;
  head: number;
  records: number;
  duplicates: number;
  idempotencyKeys: number;
  /**
   * Entries whose data did not come back in full (withheld from the topic, or
   * no mirror was granted all of it): their envelopes are back, their data is
   * not, by seq and type. Not replayed into states or read models.
   */
  dataMissing: Array<{ seq: number; type: string; chain?: string }>;
  /** Records skipped: signed with a key revoked as compromised and not vouched for by the bundle (issue #24). */
  refused?: Array<{ seq: number; hash: string; reason: string }>;
  anchors: {
    checked: number;
    latest: {
      notarySeq: number;
      treeSize: number;
      anchoredAt: string;
      witnessedBy: string[];
      /** Whether the cosignatures of it this database holds make the chain's quorum (its own never counts). */
      quorum?: Pick<QuorumReport, 'required' | 'counted' | 'met' | 'text'>;
    } | null;
  };
  /** Aggregates whose state and read models were rebuilt, with the number of entries replayed into each. */
  projections: Record<string, number>;
  /** Entry types no aggregate claims (records without state: alarms, cosignatures…). */
  unclaimedTypes: Record<string, number>;
  ms: number;
}

/** A sharded ledger's recovery: the sums of its shards' reports; each shard's kept in `shards`. */
export function combinedReport(department: string, reports: RecoveryReport[]): RecoveryReport {
  const sum = (pick: (report: RecoveryReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const merged = (pick: (report: RecoveryReport) => Record<string, number>) => {
    const total: Record<string, number> = {};
    for (const report of reports)
      for (const [name, count] of Object.entries(pick(report))) total[name] = (total[name] ?? 0) + count;
    return total;
  };
  const latest = reports
    .map((report) => report.anchors.latest)
    .filter((anchor) => anchor !== null)
    .sort((a, b) => b.notarySeq - a.notarySeq)[0];
  return {
    department,
    source: reports.map((report) => report.source).join('; '),
    before: sum((report) => report.before),
    restored: sum((report) => report.restored),
    head: sum((report) => report.head),
    records: sum((report) => report.records),
    duplicates: sum((report) => report.duplicates),
    idempotencyKeys: sum((report) => report.idempotencyKeys),
    dataMissing: reports.flatMap((report) =>
      report.dataMissing.map((missing) => ({ ...missing, chain: report.chain ?? department })),
    ),
    anchors: { checked: sum((report) => report.anchors.checked), latest: latest ?? null },
    projections: merged((report) => report.projections),
    unclaimedTypes: merged((report) => report.unclaimedTypes),
    ms: sum((report) => report.ms),
    shards: reports,
  };
}
