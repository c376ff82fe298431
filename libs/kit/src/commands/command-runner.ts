import { createHash } from 'node:crypto';

import { DomainError } from '@registry-bus/domain';
import { canonicalize } from '@registry-bus/protocol';
import type { AppendCommand, AppendResult, Ledger, SqlQueryable } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

import { saveState, type Aggregate, type DomainEvent, type LedgerPosition } from './aggregate.js';
import { LedgerStates, type CheckedAggregate } from './ledger-state.js';

export interface CommandOptions {
  /** The operator (`clerk:anna`) or `reaction:<cause event id>`; recorded as the envelope's actor. */
  actor: string;
  /** A retried command with the same key returns the first answer instead of appending again. */
  idempotencyKey?: string;
  /** What the key was used for the first time (method, path, body): the same key for another request is refused. */
  request?: unknown;
  /** A client's request (REST): with LEDGER_ACK=published it is answered only once its entries are on Kafka. */
  origin?: 'http';
}

export interface CommandOutcome<S> extends AppendResult<S> {
  subject: string;
}

/** SHA-256 of the canonical JSON of what a key stands for. */
export function requestDigest(request: unknown): Uint8Array {
  return createHash('sha256')
    .update(canonicalize(request ?? null))
    .digest();
}

/**
 * The service step of every register: load the aggregate's state (through
 * the batch transaction, so a command sees what the commands just before it
 * in the same group commit did), decide, append, and save the new state and
 * read models in the same transaction. Every command on one chain is decided
 * in order, and a subject always lives in the same chain (shard), so two
 * commands on one parcel can never both pass on stale state.
 */
export class CommandRunner {
  constructor(
    private readonly ledger: Ledger,
    private readonly dataSource: DataSource,
    /** Counts outcomes for metrics: appended, replayed (an idempotency key seen before), refused by a rule. */
    private readonly onOutcome: (outcome: 'appended' | 'replayed' | 'refused') => void = () => undefined,
    /** Set with LEDGER_ACK=published: resolves once the chain is published up to the seq. */
    private readonly awaitPublished?: (chain: string, seq: number) => Promise<void>,
    /**
     * The event types of aggregates that are handed to run() without them
     * (the access grants, whose types name the department): their states are
     * folded from the ledger by these.
     */
    private readonly eventTypesOf: (aggregate: string) => readonly string[] | undefined = () => undefined,
  ) {}

  /** Every state is held to the ledger before a decision or a read uses it (ledger-state.ts). */
  readonly states = new LedgerStates();

  async run<C, E extends DomainEvent, S>(
    aggregate: Aggregate<C, E, S>,
    subject: string,
    command: C,
    options: CommandOptions,
  ): Promise<CommandOutcome<S>> {
    let result: AppendResult<S>;
    try {
      result = await this.append(aggregate, subject, command, options);
    } catch (error) {
      if (error instanceof DomainError) this.onOutcome('refused');
      throw error;
    }
    this.onOutcome(result.replayed ? 'replayed' : 'appended');
    if (this.awaitPublished && options.origin === 'http') {
      // The last entry of each chain the command wrote to (several for a grant on a sharded ledger).
      const lastOfChain = new Map(result.entries.map((entry) => [entry.chain, entry.seq]));
      await Promise.all([...lastOfChain].map(([chain, seq]) => this.awaitPublished!(chain, seq)));
    }
    return { ...result, subject };
  }

  private async append<C, E extends DomainEvent, S>(
    aggregate: Aggregate<C, E, S>,
    subject: string,
    command: C,
    options: CommandOptions,
  ): Promise<AppendResult<S>> {
    let saved: { state: S; position: LedgerPosition } | undefined;
    const appendCommand: Omit<AppendCommand<S>, 'chain'> = {
      ...(options.idempotencyKey
        ? { idempotencyKey: options.idempotencyKey, requestDigest: requestDigest(options.request ?? command) }
        : {}),
      decide: async ({ manager }) => {
        saved = undefined;
        const state = await this.checkedState(manager, aggregate, subject);
        const events = aggregate.decider.decide(command, state);
        const next = events.reduce(aggregate.decider.evolve, state);
        return {
          entries: events.map((event) => ({ type: event.type, subject, data: event.data, actor: options.actor })),
          result: next,
          project: async (tx, sealed) => {
            const last = sealed.at(-1)!;
            const position = { chain: last.chain, seq: last.seq };
            const positioned = aggregate.positioned ? aggregate.positioned(next, position) : next;
            await saveState(tx, aggregate.name, subject, positioned, position);
            await aggregate.project?.(tx, subject, positioned, events, sealed);
            this.states.wrote(tx, aggregate.name, subject, positioned, position);
            saved = { state: positioned, position };
          },
        };
      },
    };
    const result = aggregate.inEveryChain
      ? await this.ledger.appendToEvery(appendCommand)
      : // A sharded ledger keeps each subject in one chain: its entries in order, its aggregate decided in order.
        await this.ledger.append({ ...appendCommand, chain: this.ledger.chainFor(subject) });
    // Committed: the state written is one this department may decide from again without folding its entries.
    if (saved && !result.replayed) this.states.vouch(aggregate.name, subject, saved.state, saved.position);
    return result;
  }

  /** The stored state, held to the ledger (refused when they disagree); the initial state when there is none. */
  private async checkedState<C, E extends DomainEvent, S>(
    db: SqlQueryable,
    aggregate: Aggregate<C, E, S>,
    subject: string,
  ): Promise<S> {
    const checked = {
      ...aggregate,
      eventTypes: aggregate.eventTypes ?? this.eventTypesOf(aggregate.name),
    } as unknown as CheckedAggregate<S>;
    // A grant's entries are in every chain and its state is written where the first (in name order) has them.
    const chain = aggregate.inEveryChain ? [...this.ledger.chains].sort()[0]! : this.ledger.chainFor(subject);
    const stored = await this.states.load(db, checked, subject, chain);
    return stored ? stored.state : aggregate.decider.initialState;
  }

  /** The state an aggregate's entries left (its initial state when it has none). */
  async state<C, E extends DomainEvent, S>(aggregate: Aggregate<C, E, S>, subject: string): Promise<S> {
    return this.checkedState(this.dataSource.manager, aggregate, subject);
  }
}
