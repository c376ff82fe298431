import { entryHashes, headSeq } from '@registry-bus/ledger';
import {
  checkDisclosure,
  decodeRecord,
  departmentOfChain,
  departmentOfSource,
  toHex,
  type TrustBundle,
  verifyEd25519Node,
  verifyEnvelope,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { RecoverySource } from './recovery-source.js';

/** Whether an off-site copy would bring the ledger back, checked while the ledger is still here. */
export interface SourceCheck {
  chain: string;
  source: string;
  /** The ledger's size when the check began. */
  head: number;
  records: number;
  /** Entries 1…head found in the source, verified and identical to the ledger's. */
  covered: number;
  /** Entries the source lacks (the first 20 of them, and how many). */
  missing: { count: number; first: number[] };
  /** Records that are not the ledger's entry at their seq, or fail verification (the first 20). */
  mismatched: Array<{ seq: number | null; where: string; reason: string }>;
  /** Covered entries whose data would not come back in full. */
  dataMissing: number;
  /** Covered entries carrying their command's idempotency key. */
  idempotencyKeys: number;
  ok: boolean;
  ms: number;
  /** A sharded ledger: each shard's own check (the figures above are their sums). */
  shards?: SourceCheck[];
}

/** A sharded ledger's check: the sums of its shards' checks, ok when every shard is; each shard's kept in `shards`. */
export function combinedCheck(department: string, checks: SourceCheck[]): SourceCheck {
  const sum = (pick: (check: SourceCheck) => number) => checks.reduce((total, check) => total + pick(check), 0);
  return {
    chain: department,
    source: checks.map((check) => check.source).join('; '),
    head: sum((check) => check.head),
    records: sum((check) => check.records),
    covered: sum((check) => check.covered),
    missing: {
      count: sum((check) => check.missing.count),
      first: [],
    },
    mismatched: checks.flatMap((check) => check.mismatched).slice(0, LIST_LIMIT),
    dataMissing: sum((check) => check.dataMissing),
    idempotencyKeys: sum((check) => check.idempotencyKeys),
    ok: checks.every((check) => check.ok),
    ms: sum((check) => check.ms),
    shards: checks,
  };
}

const LIST_LIMIT = 20;

/**
 * Reads a recovery source (the topic, or the mirrors) to the end and holds
 * every record to the ledger as it is now: each entry verified as recovery
 * would verify it, and identical to the stored one. Nothing is written; the
 * answer says what a recovery from this source would give back — the
 * backup tested before the fire, not after.
 */
export async function checkRecoverySource(
  source: RecoverySource,
  chain: string,
  dataSource: DataSource,
  trust: TrustBundle,
): Promise<SourceCheck> {
  const started = Date.now();
  const size = await headSeq(dataSource, chain);
  const seen = new Uint8Array(size + 1);
  const result: SourceCheck = {
    chain,
    source: source.name,
    head: size,
    records: 0,
    covered: 0,
    missing: { count: 0, first: [] },
    mismatched: [],
    dataMissing: 0,
    idempotencyKeys: 0,
    ok: false,
    ms: 0,
  };
  const mismatch = (seq: number | null, where: string, reason: string) => {
    if (result.mismatched.length < LIST_LIMIT) result.mismatched.push({ seq, where, reason });
  };
  result.records = await source.read(async (records) => {
    const decoded = records.map((record) => {
      try {
        return { record, ...decodeRecord({ key: record.key, value: record.value }) };
      } catch (error) {
        mismatch(null, record.where, `not a readable entry: ${(error as Error).message}`);
        return undefined;
      }
    });
    const seqs = decoded.flatMap((d) => (d ? [Number(d.envelope.seq)] : []));
    const stored = await entryHashes(dataSource, chain, seqs);
    const hashes = new Map([...stored].map(([seq, hash]) => [seq, toHex(hash)]));
    for (const item of decoded) {
      if (!item) continue;
      const { record, envelope, disclosure } = item;
      const seq = Number(envelope.seq);
      if (envelope.chain !== chain || departmentOfSource(envelope.source) !== departmentOfChain(chain)) {
        mismatch(seq, record.where, `an entry of ${envelope.source} (chain ${envelope.chain}), not of ${chain}`);
        continue;
      }
      if (seq > size) continue; // Written after the check began.
      if (hashes.get(seq) !== envelope.hash) {
        mismatch(seq, record.where, `hash ${envelope.hash}, the ledger has ${hashes.get(seq)}`);
        continue;
      }
      try {
        verifyEnvelope(envelope, trust, verifyEd25519Node);
        if (disclosure) checkDisclosure(disclosure, envelope.datadigest);
      } catch (error) {
        mismatch(seq, record.where, `fails verification: ${(error as Error).message}`);
        continue;
      }
      if (seen[seq]) continue; // Published again: at least once.
      seen[seq] = 1;
      result.covered++;
      if (!disclosure || Object.keys(disclosure.withheld).length > 0) result.dataMissing++;
      if (record.idempotency) result.idempotencyKeys++;
    }
  });
  for (let seq = 1; seq <= size; seq++) {
    if (seen[seq]) continue;
    result.missing.count++;
    if (result.missing.first.length < LIST_LIMIT) result.missing.first.push(seq);
  }
  result.ok = result.missing.count === 0 && result.mismatched.length === 0;
  result.ms = Date.now() - started;
  return result;
}
