import { isDeepStrictEqual } from 'node:util';

import { DomainError } from '@registry-bus/domain';
import { subjectEntries, type SqlQueryable, type StoredEntry } from '@registry-bus/ledger';
import { parseDisclosure, parseStrictJson, parseStrictJsonBytes, typeMatches } from '@registry-bus/protocol';

import {
  loadStoredState,
  storedStates,
  type Aggregate,
  type DomainEvent,
  type LedgerPosition,
  type StoredState,
} from './aggregate.js';

/** What the state check needs of an aggregate. */
export type CheckedAggregate<S = unknown> = Pick<
  Aggregate<unknown, DomainEvent, S>,
  'name' | 'decider' | 'eventTypes' | 'positioned'
>;

/** The state an aggregate's entries in the ledger give one subject, and the entry it stands at (none: no entry). */
export interface LedgerState<S = unknown> {
  state: S;
  position?: LedgerPosition;
}

/** As stored: jsonb keeps what JSON keeps (no undefined, no Date objects), so the fold compares like for like. */
const asStored = <S>(value: S): S =>
  value === undefined ? value : (parseStrictJson(JSON.stringify(value), 'a state') as S);

/**
 * Folds a subject's entries of the aggregate's event types, in seq order,
 * through its evolve (and `positioned`): the state its decider would see if
 * aggregate_state were lost. Entries without data (not on the topic it was
 * recovered from) are passed over, as recovery passes them. An aggregate
 * without event types records entries whose rules live elsewhere: its
 * state never moves from the initial one, and its position is the subject's
 * latest entry among those the caller names (`claims`).
 */
export function foldEntries<S>(aggregate: CheckedAggregate<S>, entries: readonly StoredEntry[]): LedgerState<S> {
  let state = asStored(aggregate.decider.initialState);
  let position: LedgerPosition | undefined;
  for (const entry of entries) {
    if (!aggregate.eventTypes?.some((pattern) => typeMatches(pattern, entry.type))) continue;
    if (!entry.disclosure) continue;
    const data = parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure')).fields;
    state = asStored(aggregate.decider.evolve(state, { type: entry.type, data } as never));
    position = { chain: entry.chain, seq: entry.seq };
    if (aggregate.positioned) state = asStored(aggregate.positioned(state, position));
  }
  return { state, ...(position ? { position } : {}) };
}

/**
 * How a stored state disagrees with the ledger, in words naming both sides;
 * undefined when it agrees. For an aggregate without event types only the
 * position is held to the ledger (it must be an entry of the subject) and
 * the state to the initial one.
 */
export function stateDisagreement<S>(
  aggregate: CheckedAggregate<S>,
  subject: string,
  stored: StoredState<unknown> | undefined,
  entries: readonly StoredEntry[],
): string | undefined {
  const what = `${aggregate.name} ${subject}`;
  const at = (position: LedgerPosition) => `${position.chain} seq ${position.seq}`;
  if (!aggregate.eventTypes) {
    if (!stored) return undefined;
    if (!entries.some((entry) => entry.chain === stored.position.chain && entry.seq === stored.position.seq))
      return `the state of ${what} names ${at(stored.position)}, which is no entry of ${subject} in the ledger`;
    if (!isDeepStrictEqual(stored.state, asStored(aggregate.decider.initialState)))
      return `the state of ${what} is ${JSON.stringify(stored.state)}; its entries never change it from ${JSON.stringify(aggregate.decider.initialState)}`;
    return undefined;
  }
  const ledger = foldEntries(aggregate, entries);
  if (!stored)
    return ledger.position
      ? `no state of ${what} is stored, but the ledger has its entries up to ${at(ledger.position)}`
      : undefined;
  if (!ledger.position) return `the state of ${what} names ${at(stored.position)}, but the ledger has no entry of it`;
  if (ledger.position.chain !== stored.position.chain || ledger.position.seq !== stored.position.seq)
    return `the state of ${what} stands at ${at(stored.position)}, but its last entry in the ledger is ${at(ledger.position)}`;
  if (!isDeepStrictEqual(stored.state, ledger.state)) {
    const fields = differingFields(stored.state, ledger.state);
    return `the state of ${what} at ${at(stored.position)} is not what its entries give${fields ? ` (${fields} differ)` : ''}`;
  }
  return undefined;
}

/** The top-level fields whose values differ, for a message; empty when the states are not both objects. */
function differingFields(a: unknown, b: unknown): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return '';
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .filter((key) => !isDeepStrictEqual(left[key], right[key]))
    .sort()
    .join(', ');
}

/** Refused: a stored state that the ledger's entries do not give. */
export const STATE_DISAGREES = 'STATE.DISAGREES_WITH_LEDGER';

const VOUCHED_LIMIT = 10_000;

/**
 * The states a department decides from: read from aggregate_state, held to
 * the ledger before they are used, refused when the two disagree
 * (STATE.DISAGREES_WITH_LEDGER) — a row rewritten by someone who switched the
 * trigger off is never decided from. Folding a subject's entries on every
 * command would cost as much as its history, so the department remembers,
 * in its own memory where no database login reaches, each state it checked
 * or committed itself (a bounded number of them), and folds again only when
 * the row is not one it remembers.
 */
export class LedgerStates {
  private readonly vouched = new Map<string, StoredState<unknown>>();
  /**
   * States written by a transaction still open, by its manager: the ledger
   * inserts a batch's entries after all its commands are decided, so a
   * second command on the subject in the same batch could not fold them yet.
   */
  private readonly written = new WeakMap<object, Map<string, StoredState<unknown>>>();

  /**
   * The stored state of `subject`, checked; undefined when it has none and
   * the ledger has no entry of it either. `chainOfSubject`: where its
   * entries go, for a subject with no stored state. Through the caller's
   * transaction when it gives one.
   */
  async load<S>(
    db: SqlQueryable,
    aggregate: CheckedAggregate<S>,
    subject: string,
    chainOfSubject: string,
  ): Promise<StoredState<S> | undefined> {
    const stored = await loadStoredState<S>(db, aggregate.name, subject);
    const key = keyOf(aggregate.name, subject);
    const known = this.written.get(db)?.get(key) ?? this.vouched.get(key);
    if (
      stored &&
      known &&
      samePosition(known.position, stored.position) &&
      isDeepStrictEqual(known.state, stored.state)
    )
      return stored;
    const entries = await subjectEntries(db, stored?.position.chain ?? chainOfSubject, subject);
    const problem = stateDisagreement(aggregate, subject, stored, entries);
    if (problem)
      throw new DomainError(
        STATE_DISAGREES,
        `${problem}: the register does not decide from a state its ledger does not give (run GET /v1/ledger/verify)`,
      );
    return stored;
  }

  /** In the transaction that wrote it (`db`, its manager): the state written at `position`, its entry not yet inserted. */
  wrote(db: SqlQueryable, aggregate: string, subject: string, state: unknown, position: LedgerPosition): void {
    const inTransaction = this.written.get(db) ?? new Map<string, StoredState<unknown>>();
    inTransaction.set(keyOf(aggregate, subject), { state: asStored(state), position });
    this.written.set(db, inTransaction);
  }

  /** After commit: the state this department wrote at `position` is one it may use without folding again. */
  vouch(aggregate: string, subject: string, state: unknown, position: LedgerPosition): void {
    const key = keyOf(aggregate, subject);
    this.vouched.delete(key);
    this.vouched.set(key, { state: asStored(state), position });
    // A Map iterates in insertion order: the first key is the one used longest ago.
    if (this.vouched.size > VOUCHED_LIMIT) this.vouched.delete(this.vouched.keys().next().value!);
  }
}

const keyOf = (aggregate: string, subject: string) => `${aggregate}\u0000${subject}`;
const samePosition = (a: LedgerPosition, b: LedgerPosition) => a.chain === b.chain && a.seq === b.seq;

/** What verify found of the stored states: how many it folded, and each that disagrees with the ledger. */
export interface StatesReport {
  checked: number;
  disagreements: Array<{ aggregate: string; subject: string; reason: string }>;
}

const STATES_PAGE = 500;

/**
 * Holds every stored state to the ledger (GET /v1/ledger/verify): each row
 * folded again from its subject's entries. A row of an aggregate not named
 * here records entries whose rules live elsewhere (an alarm, a cosignature):
 * its position must be an entry of its subject and its state the initial one.
 */
export async function checkStoredStates(
  db: SqlQueryable,
  aggregates: ReadonlyArray<CheckedAggregate<unknown>>,
): Promise<StatesReport> {
  const report: StatesReport = { checked: 0, disagreements: [] };
  let after: { aggregate: string; subject: string } | undefined;
  for (;;) {
    const page = await storedStates(db, after, STATES_PAGE);
    for (const row of page) {
      const aggregate = aggregates.find((known) => known.name === row.aggregate) ?? {
        name: row.aggregate,
        decider: { initialState: null, decide: () => [], evolve: (state: unknown) => state },
      };
      const entries = await subjectEntries(db, row.position.chain, row.subject);
      const reason = stateDisagreement(aggregate, row.subject, row, entries);
      if (reason) report.disagreements.push({ aggregate: row.aggregate, subject: row.subject, reason });
      report.checked++;
    }
    if (page.length < STATES_PAGE) return report;
    after = page.at(-1)!;
  }
}
