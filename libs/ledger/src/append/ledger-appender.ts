import { setImmediate as nextTick } from 'node:timers/promises';

import type { DataSource, QueryRunner } from 'typeorm';

import { LedgerError, LedgerErrorCode } from '../errors/ledger-error.js';
import type { AppendCommand, AppendResult, AppendedEntry, ChainHead, Decision } from './append-command.js';
import {
  lockChain,
  readAppended,
  readHead,
  readKnownKeys,
  writeBatch,
  type KnownKey,
  type MerkleNodeRow,
} from './append-store.js';
import type { EntrySealer, SealedEntry } from './entry-sealing.js';

export type { MerkleNodeRow } from './append-store.js';

/** Computes the Merkle nodes an append adds, reading the nodes it needs through the batch's transaction. */
export interface ChainTreeWriter {
  nodesForAppend(
    runner: QueryRunner,
    chain: string,
    oldSize: number,
    leafHashes: Uint8Array[],
  ): Promise<MerkleNodeRow[]>;
}

export interface LedgerAppenderOptions {
  dataSource: DataSource;
  /** The department's own chain, e.g. `land`. */
  chain: string;
  seal: EntrySealer;
  tree: ChainTreeWriter;
  /** Most commands one transaction takes (group commit). */
  maxBatchCommands?: number;
  /** Called after each committed batch, e.g. to wake the relay. */
  onCommitted?: (chain: string, lastSeq: number) => void;
  now?: () => Date;
}

interface Pending {
  command: AppendCommand<unknown>;
  resolve: (result: AppendResult<unknown>) => void;
  reject: (error: unknown) => void;
}

interface Outcome {
  pending: Pending;
  sealed: SealedEntry[];
  result?: unknown;
  replayOf?: { firstSeq: number; lastSeq: number };
  error?: unknown;
}

/** A command's own failure (a rule said no, a key reused): the transaction is rolled back and it is passed on as it is. */
class Refused {
  constructor(readonly error: unknown) {}
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Appends to a department's hash-linked chain with group commit.
 *
 * Commands for one chain queue up; while one transaction is in flight the
 * next ones gather, and the next transaction takes them all (up to
 * `maxBatchCommands`). Inside it, under a per-chain advisory lock held until
 * commit, each command is decided against the state its predecessors left,
 * its entries are sealed in memory (seq, prevhash, hash, signature), and its
 * projection writes run in a savepoint, so a command that fails leaves the
 * batch alone and gets its own error. The batch's entries, data, Merkle nodes
 * and idempotency keys are then inserted with multi-row statements and
 * committed together: a resolved promise means the entries are durable.
 */
export class LedgerAppender {
  private readonly queues = new Map<string, { pending: Pending[]; draining: boolean }>();
  private readonly maxBatchCommands: number;
  private readonly now: () => Date;
  private closed = false;
  /** Commands for every chain in flight (they run outside the per-chain queues): close() waits for them too. */
  private everyInFlight = 0;

  constructor(private readonly options: LedgerAppenderOptions) {
    this.maxBatchCommands = options.maxBatchCommands ?? 256;
    this.now = options.now ?? (() => new Date());
  }

  get chain(): string {
    return this.options.chain;
  }

  append<R>(command: AppendCommand<R>): Promise<AppendResult<R>> {
    if (this.closed) return Promise.reject(new LedgerError(LedgerErrorCode.CLOSED, 'the ledger is shutting down'));
    const chain = command.chain ?? this.options.chain;
    return new Promise<AppendResult<R>>((resolve, reject) => {
      let queue = this.queues.get(chain);
      if (!queue) {
        queue = { pending: [], draining: false };
        this.queues.set(chain, queue);
      }
      queue.pending.push({
        command: command as AppendCommand<unknown>,
        resolve: resolve as Pending['resolve'],
        reject,
      });
      if (!queue.draining) void this.drain(chain, queue);
    });
  }

  /** Stops taking commands and waits for the queued ones to finish. */
  async close(): Promise<void> {
    this.closed = true;
    while (
      this.everyInFlight > 0 ||
      [...this.queues.values()].some((queue) => queue.draining || queue.pending.length > 0)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async drain(chain: string, queue: { pending: Pending[]; draining: boolean }): Promise<void> {
    queue.draining = true;
    try {
      // Let callers of the same tick join the first batch.
      await nextTick();
      while (queue.pending.length > 0) {
        const batch = queue.pending.splice(0, this.maxBatchCommands);
        await this.runBatch(chain, batch);
      }
    } finally {
      queue.draining = false;
    }
  }

  /**
   * One command recorded in every one of `chains` at once — a sharded
   * ledger's access grants, so that each shard carries the grant at a
   * position of its own and every follower decides that shard's entries by
   * it, in that shard's order. One transaction holds every chain's lock
   * (taken in name order; a group-commit batch holds one lock and waits for
   * no other, so none can deadlock with it): decided once, its entries sealed
   * into each chain, its projection written once. All chains or none.
   */
  async appendToEvery<R>(chains: readonly string[], command: AppendCommand<R>): Promise<AppendResult<R>> {
    if (this.closed) throw new LedgerError(LedgerErrorCode.CLOSED, 'the ledger is shutting down');
    const ordered = [...new Set(chains)].sort();
    this.everyInFlight++;
    let pieces: Array<{ chain: string; outcome: Outcome; lastSeq: number }>;
    try {
      pieces = await this.recordInEvery(ordered, command);
    } finally {
      this.everyInFlight--;
    }
    const entries: AppendedEntry[] = [];
    for (const { chain, outcome } of pieces) {
      entries.push(
        ...(outcome.replayOf ? await this.readEntries(chain, outcome.replayOf) : outcome.sealed.map(appended)),
      );
    }
    for (const { chain, lastSeq } of pieces) if (lastSeq > 0) this.options.onCommitted?.(chain, lastSeq);
    const replayed = pieces.every((piece) => piece.outcome.replayOf !== undefined);
    return replayed ? { entries, replayed } : { entries, result: pieces[0]?.outcome.result as R, replayed };
  }

  /** The transaction of appendToEvery: every lock, then the command decided once and sealed into each chain. */
  private async recordInEvery<R>(
    chains: string[],
    command: AppendCommand<R>,
  ): Promise<Array<{ chain: string; outcome: Outcome; lastSeq: number }>> {
    const pieces: Array<{ chain: string; outcome: Outcome; lastSeq: number }> = [];
    await this.inTransaction(async (runner) => {
      for (const chain of chains) await lockChain(runner, chain);
      let decision: Decision<R> | undefined;
      for (const chain of chains) {
        const pending: Pending = {
          command: {
            ...command,
            chain,
            decide: async (context) => {
              if (decision) return { entries: decision.entries, result: decision.result };
              decision = await command.decide(context);
              return decision;
            },
          } as AppendCommand<unknown>,
          resolve: () => undefined,
          reject: () => undefined,
        };
        const { outcomes, lastSeq } = await this.decideAndWrite(runner, chain, [pending]);
        const outcome = outcomes[0]!;
        // A refusal (or a key reused for another request) leaves every chain as it was.
        if (outcome.error !== undefined) throw new Refused(outcome.error);
        pieces.push({ chain, outcome, lastSeq });
      }
    });
    return pieces;
  }

  /**
   * Runs `work` in a transaction of its own and commits it. Any failure is a
   * LedgerError: a rule's or the ledger's own as it was thrown, a database
   * failure as UNAVAILABLE — saying whether anything may have been recorded.
   */
  private async inTransaction(work: (runner: QueryRunner) => Promise<void>): Promise<void> {
    const runner = this.options.dataSource.createQueryRunner();
    let committing = false;
    try {
      await runner.connect();
      await runner.startTransaction();
      await work(runner);
      committing = true;
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof Refused) throw error.error;
      if (error instanceof LedgerError) throw error;
      // A connection lost while COMMIT was on its way leaves the outcome unknown to us: say so, never "nothing".
      throw new LedgerError(
        LedgerErrorCode.UNAVAILABLE,
        committing
          ? 'the database did not confirm the commit: the command may or may not be recorded; retry with the same Idempotency-Key to learn which'
          : 'the ledger could not commit; nothing was recorded',
        {},
        { cause: error },
      );
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  private async runBatch(chain: string, batch: Pending[]): Promise<void> {
    let outcomes: Outcome[] = [];
    let lastSeq = 0;
    try {
      await this.inTransaction(async (runner) => {
        ({ outcomes, lastSeq } = await this.decideAndWrite(runner, chain, batch));
      });
    } catch (failure) {
      for (const pending of batch) pending.reject(failure);
      return;
    }

    for (const outcome of outcomes) {
      if (outcome.error !== undefined) outcome.pending.reject(outcome.error);
      else if (outcome.replayOf) {
        outcome.pending.resolve({ entries: await this.readEntries(chain, outcome.replayOf), replayed: true });
      } else {
        outcome.pending.resolve({ entries: outcome.sealed.map(appended), result: outcome.result, replayed: false });
      }
    }
    if (lastSeq > 0) this.options.onCommitted?.(chain, lastSeq);
  }

  private async decideAndWrite(
    runner: QueryRunner,
    chain: string,
    batch: Pending[],
  ): Promise<{ outcomes: Outcome[]; lastSeq: number }> {
    await lockChain(runner, chain);
    let head: ChainHead = await readHead(runner, chain);
    const treeSizeBefore = head.seq;
    const keys = batch.map((pending) => pending.command.idempotencyKey).filter((key): key is string => !!key);
    const known = await readKnownKeys(runner, chain, keys);

    const outcomes: Outcome[] = [];
    const newKeys: Array<{ key: string } & KnownKey> = [];
    let savepoints = 0;
    for (const pending of batch) {
      const { command } = pending;
      const key = command.idempotencyKey;
      const digest = command.requestDigest ?? new Uint8Array(0);
      const previous = key ? known.get(key) : undefined;
      if (previous) {
        outcomes.push(
          sameBytes(previous.requestDigest, digest)
            ? { pending, sealed: [], replayOf: { firstSeq: previous.firstSeq, lastSeq: previous.lastSeq } }
            : {
                pending,
                sealed: [],
                error: new LedgerError(
                  LedgerErrorCode.IDEMPOTENCY_CONFLICT,
                  `Idempotency-Key '${key}' was already used for a different request`,
                  { field: 'Idempotency-Key' },
                ),
              },
        );
        continue;
      }

      const headBefore = head;
      let savepoint: string | undefined;
      try {
        const decision: Decision<unknown> = await command.decide({ manager: runner.manager, chain, head });
        if (decision.entries.length === 0) {
          throw new LedgerError(LedgerErrorCode.EMPTY_DECISION, 'the command decided to record nothing');
        }
        const sealed: SealedEntry[] = [];
        for (const draft of decision.entries) {
          const entry = await this.options.seal(draft, {
            chain,
            seq: head.seq + 1,
            prevhash: head.hash,
            time: this.now(),
          });
          sealed.push(entry);
          head = { seq: entry.seq, hash: entry.hash };
        }
        if (decision.project) {
          savepoint = `command_${++savepoints}`;
          await runner.query(`SAVEPOINT ${savepoint}`);
          await decision.project(runner.manager, sealed);
          await runner.query(`RELEASE SAVEPOINT ${savepoint}`);
        }
        if (key) {
          const record = { requestDigest: digest, firstSeq: sealed[0]!.seq, lastSeq: head.seq };
          known.set(key, record);
          newKeys.push({ key, ...record });
        }
        outcomes.push({ pending, sealed, result: decision.result });
      } catch (error) {
        if (savepoint) await runner.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        head = headBefore;
        outcomes.push({ pending, sealed: [], error });
      }
    }

    const entries = outcomes.flatMap((outcome) => outcome.sealed);
    const nodes =
      entries.length > 0
        ? await this.options.tree.nodesForAppend(
            runner,
            chain,
            treeSizeBefore,
            entries.map((e) => e.hash),
          )
        : [];
    await writeBatch(runner, chain, entries, nodes, newKeys);
    return { outcomes, lastSeq: entries.length > 0 ? head.seq : 0 };
  }

  private readEntries(chain: string, range: { firstSeq: number; lastSeq: number }): Promise<AppendedEntry[]> {
    return readAppended(this.options.dataSource, chain, range);
  }
}

function appended(entry: SealedEntry): AppendedEntry {
  return {
    id: entry.id,
    chain: entry.chain,
    seq: entry.seq,
    type: entry.type,
    subject: entry.subject,
    time: entry.time,
    hash: entry.hash,
  };
}
