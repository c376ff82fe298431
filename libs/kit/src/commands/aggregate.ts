import type { Decider } from '@registry-bus/domain';
import type { SealedEntry } from '@registry-bus/ledger';
import type { EntityManager } from 'typeorm';

/** An event as deciders return it: its type (with version) and its data. */
export interface DomainEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * One kind of aggregate of a register (a parcel, the pledges of a parcel):
 * its decider, and the read models it keeps up to date in the same
 * transaction as its entries.
 */
export interface Aggregate<C, E extends DomainEvent, S> {
  /** Names the aggregate in aggregate_state: `parcel`, `parcel-pledges`. */
  name: string;
  decider: Decider<C, E, S>;
  /**
   * The event types its decider emits (exact, or a prefix ending in `*`):
   * a department recovered from its topic rebuilds this aggregate's state and
   * read models by replaying its entries of these types.
   */
  eventTypes?: readonly string[];
  /**
   * Its entries are recorded in every chain of a sharded ledger (one
   * transaction), not only in its subject's: access grants, which each
   * follower applies per shard, in that shard's order.
   */
  inEveryChain?: boolean;
  /** Extra read models (a list of pledges by bank…), written with the entries. */
  project?(manager: EntityManager, subject: string, state: S, events: E[], entries: SealedEntry[]): Promise<void>;
}

export async function loadState<S>(manager: EntityManager, aggregate: string, subject: string): Promise<S | undefined> {
  const rows: Array<{ state: S }> = await manager.query(
    'SELECT state FROM aggregate_state WHERE aggregate = $1 AND subject = $2',
    [aggregate, subject],
  );
  return rows[0]?.state;
}

export async function saveState<S>(
  manager: EntityManager,
  aggregate: string,
  subject: string,
  state: S,
  lastSeq: number,
): Promise<void> {
  await manager.query(
    `INSERT INTO aggregate_state (aggregate, subject, state, last_seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (aggregate, subject) DO UPDATE SET state = EXCLUDED.state, last_seq = EXCLUDED.last_seq`,
    [aggregate, subject, JSON.stringify(state), lastSeq],
  );
}

/** Sets one integer field of a stored state in place (a projection's back-link to its own entry), as jsonb. */
export async function setStateInteger(
  manager: EntityManager,
  aggregate: string,
  subject: string,
  field: string,
  value: number,
): Promise<void> {
  await manager.query(
    `UPDATE aggregate_state SET state = jsonb_set(state, ARRAY[$3::text], to_jsonb($4::bigint))
      WHERE aggregate = $1 AND subject = $2`,
    [aggregate, subject, field, value],
  );
}
