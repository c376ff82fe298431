/**
 * What a command asks the ledger to record, and what the ledger records.
 * Sealing (canonical bytes, commitments, hash, signature) is libs/protocol's
 * job; the ledger only fixes the position (chain, seq, prevhash, time).
 */
export interface EntryDraft {
  type: string;
  subject: string;
  data: Record<string, unknown>;
  /** The operator id, or `reaction:<cause event id>`. */
  actor: string;
}

export interface ChainPosition {
  chain: string;
  seq: number;
  prevhash: Uint8Array;
  time: Date;
}

export interface SealedEntry {
  id: string;
  chain: string;
  seq: number;
  type: string;
  subject: string;
  time: Date;
  hash: Uint8Array;
  /** The exact canonical bytes that were hashed. */
  envelope: Uint8Array;
  sig: Uint8Array;
  keyid: string;
  /** Canonical bytes of the data with its salts (the full disclosure). */
  disclosure: Uint8Array;
}

export type EntrySealer = (draft: EntryDraft, position: ChainPosition) => SealedEntry | Promise<SealedEntry>;

export const GENESIS_PREVHASH = new Uint8Array(32);
