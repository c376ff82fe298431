/** An entry as the ledger stores it: the record that verification and the relay read. */
export interface StoredEntry {
  chain: string;
  seq: number;
  id: string;
  type: string;
  subject: string;
  time: Date;
  hash: Uint8Array;
  envelope: Uint8Array;
  sig: Uint8Array;
  keyid: string;
  /** Absent when the data was erased or never stored. */
  disclosure?: Uint8Array;
  /** On the last entry of a command that had an idempotency key (the relay reads it; see IDEMPOTENCY_HEADER). */
  idempotency?: EntryIdempotency;
}

/** A command's idempotency key, as the ledger keeps it and the relay carries it on the command's last record. */
export interface EntryIdempotency {
  key: string;
  requestDigest: Uint8Array;
  firstSeq: number;
}

export interface StoredEntryRow {
  chain: string;
  seq: string;
  id: string;
  type: string;
  subject: string;
  time: Date;
  hash: Buffer;
  envelope: Buffer;
  sig: Buffer;
  keyid: string;
  disclosure: Buffer | null;
}

export const STORED_ENTRY_COLUMNS =
  'e.chain, e.seq, e.id, e.type, e.subject, e.time, e.hash, e.envelope, e.sig, e.keyid, d.disclosure';

export const STORED_ENTRY_FROM = 'ledger_entry e LEFT JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq';

export function toStoredEntry(row: StoredEntryRow): StoredEntry {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    subject: row.subject,
    time: row.time,
    hash: new Uint8Array(row.hash),
    envelope: new Uint8Array(row.envelope),
    sig: new Uint8Array(row.sig),
    keyid: row.keyid,
    ...(row.disclosure ? { disclosure: new Uint8Array(row.disclosure) } : {}),
  };
}
