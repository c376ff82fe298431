import type { EntityManager } from 'typeorm';

import type { EntryDraft, SealedEntry } from './entry-sealing.js';

export interface ChainHead {
  seq: number;
  hash: Uint8Array;
}

export interface DecideContext {
  /** The batch transaction: read projections through it to see what earlier commands of the batch did. */
  manager: EntityManager;
  chain: string;
  head: ChainHead;
}

/**
 * What a command decided: the entries to append, the caller's result, and the
 * projection writes that go into the same transaction. `decide` must not
 * write; `project` may, and a failing `project` fails only its own command.
 */
export interface Decision<R> {
  entries: EntryDraft[];
  result?: R;
  project?: (manager: EntityManager, entries: SealedEntry[]) => Promise<void>;
}

export interface AppendCommand<R = unknown> {
  /** Defaults to the ledger's own chain. */
  chain?: string;
  /** A retried command with the same key returns the original entries instead of appending again. */
  idempotencyKey?: string;
  /** Digest of the request body, to refuse the same key reused for a different request. */
  requestDigest?: Uint8Array;
  decide(context: DecideContext): Decision<R> | Promise<Decision<R>>;
}

/** What a caller learns of each appended entry. */
export type AppendedEntry = Pick<SealedEntry, 'id' | 'chain' | 'seq' | 'type' | 'subject' | 'time' | 'hash'>;

export interface AppendResult<R> {
  entries: AppendedEntry[];
  /** The decision's result; absent when the command was a replay of an idempotency key. */
  result?: R;
  /** True when the idempotency key had been used: nothing new was appended. */
  replayed: boolean;
}
