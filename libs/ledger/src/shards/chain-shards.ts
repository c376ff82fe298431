import { createHash } from 'node:crypto';

import { formatChain } from '@registry-bus/protocol';

/** At most this many shards per ledger: chain ids allow shard numbers up to 4 digits, and a topic this many partitions. */
export const MAX_SHARDS = 256;

/**
 * The chains of a department's ledger: the chain `land` when it is not
 * sharded; `land/0` … `land/<S-1>` when it is split into S shards (each its
 * own hash chain, Merkle tree and Kafka partition).
 */
export function shardChains(department: string, shards: number): string[] {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
    throw new RangeError(`shards must be an integer from 1 to ${MAX_SHARDS}, not ${shards}`);
  return shards === 1 ? [department] : Array.from({ length: shards }, (_, shard) => formatChain({ department, shard }));
}

/**
 * The shard a subject's entries go to: the first four bytes of SHA-256 of
 * the subject, modulo the shard count. A pure function of the subject, so a
 * subject never moves between restarts, versions or instances: all its
 * entries stay in one chain, in order, and a consumer (which applies each
 * partition in order) sees them in the order they were decided.
 */
export function shardOf(subject: string, shards: number): number {
  if (shards === 1) return 0;
  return createHash('sha256').update(subject, 'utf8').digest().readUInt32BE(0) % shards;
}

/** The chain of `department`'s ledger (split into `shards`) that holds `subject`'s entries. */
export function chainForSubject(department: string, shards: number, subject: string): string {
  return shards === 1 ? department : formatChain({ department, shard: shardOf(subject, shards) });
}
