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
  /**
   * Fields a state takes from the entry that produced it rather than from
   * its data (the notary's anchor keeps its own seq for the next anchor's
   * back-link). Applied after each entry is evolved, by the commands and by
   * every fold of the ledger alike (recovery, the state check), so the
   * state stays a function of the ledger.
   */
  positioned?(state: S, entry: LedgerPosition): S;
  /** Extra read models (a list of pledges by bank…), written with the entries. */
  project?(manager: EntityManager, subject: string, state: S, events: E[], entries: SealedEntry[]): Promise<void>;
}

/** Where in the ledger a state comes from: the entry (chain, seq) that produced it. */
export interface LedgerPosition {
  chain: string;
  seq: number;
}

/** A stored state with the position of the entry that produced it. */
export interface StoredState<S> {
  state: S;
  position: LedgerPosition;
}

export async function loadStoredState<S>(
  manager: Pick<EntityManager, 'query'>,
  aggregate: string,
  subject: string,
): Promise<StoredState<S> | undefined> {
  const rows: Array<{ state: S; last_chain: string; last_seq: string }> = await manager.query(
    'SELECT state, last_chain, last_seq FROM aggregate_state WHERE aggregate = $1 AND subject = $2',
    [aggregate, subject],
  );
  const row = rows[0];
  return row ? { state: row.state, position: { chain: row.last_chain, seq: Number(row.last_seq) } } : undefined;
}

/**
 * Writes the state an entry produced, at that entry's position. Only in the
 * transaction that inserts the entry: a trigger refuses anything else at
 * commit (migration 1764000002005).
 */
export async function saveState<S>(
  manager: Pick<EntityManager, 'query'>,
  aggregate: string,
  subject: string,
  state: S,
  position: LedgerPosition,
): Promise<void> {
  await manager.query(
    `INSERT INTO aggregate_state (aggregate, subject, state, last_chain, last_seq) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (aggregate, subject) DO UPDATE
       SET state = EXCLUDED.state, last_chain = EXCLUDED.last_chain, last_seq = EXCLUDED.last_seq`,
    [aggregate, subject, JSON.stringify(state), position.chain, position.seq],
  );
}

/** A page of stored states, in (aggregate, subject) order after the given key: what verify walks. */
export async function storedStates(
  manager: Pick<EntityManager, 'query'>,
  after: { aggregate: string; subject: string } | undefined,
  limit: number,
): Promise<Array<StoredState<unknown> & { aggregate: string; subject: string }>> {
  const rows: Array<{ aggregate: string; subject: string; state: unknown; last_chain: string; last_seq: string }> =
    await manager.query(
      `SELECT aggregate, subject, state, last_chain, last_seq FROM aggregate_state
        WHERE ($1::text IS NULL OR (aggregate, subject) > ($1, $2)) ORDER BY aggregate, subject LIMIT $3`,
      [after?.aggregate ?? null, after?.subject ?? null, limit],
    );
  return rows.map((row) => ({
    aggregate: row.aggregate,
    subject: row.subject,
    state: row.state,
    position: { chain: row.last_chain, seq: Number(row.last_seq) },
  }));
}
