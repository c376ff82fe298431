import type { EntityManager } from 'typeorm';

/** A DataSource, or the EntityManager of a transaction: anything that runs a query. */
export type SqlQueryable = Pick<EntityManager, 'query'>;

/**
 * The consumer's store of what it received (received_entry and its data),
 * read by the kit and the apps through these functions: every SQL statement
 * of the consumer's tables lives in this lib (STYLE.md, "A table belongs to
 * one lib"). Data kept of an entry is read through the received_entry_fields
 * view (migration 1764000001002), never decoded inline.
 */

/** A received entry as stored: the envelope's bytes, and the data kept of it (none when it was denied). */
export interface ReceivedEntry {
  chain: string;
  seq: number;
  type: string;
  time: Date;
  receivedAt: Date;
  hash: Buffer;
  envelope: Buffer;
  sig: Buffer;
  keyid: string;
  disclosure: Buffer | null;
  fields: Record<string, unknown> | null;
}

export interface ReceivedEntryRow {
  source_chain: string;
  seq: string;
  type: string;
  time: Date;
  received_at: Date;
  hash: Buffer;
  envelope: Buffer;
  sig: Buffer;
  keyid: string;
  disclosure: Buffer | null;
  fields: Record<string, unknown> | null;
}

export const RECEIVED_ENTRY_COLUMNS =
  'source_chain, seq, type, time, received_at, hash, envelope, sig, keyid, disclosure, fields';

export function toReceivedEntry(row: ReceivedEntryRow): ReceivedEntry {
  return {
    chain: row.source_chain,
    seq: Number(row.seq),
    type: row.type,
    time: row.time,
    receivedAt: row.received_at,
    hash: row.hash,
    envelope: row.envelope,
    sig: row.sig,
    keyid: row.keyid,
    disclosure: row.disclosure,
    fields: row.fields,
  };
}

/** The received entries of a chain with seq > after, in order, at most `limit` (a mirror's page). */
export async function receivedEntries(
  db: SqlQueryable,
  chain: string,
  after: number,
  limit: number,
): Promise<ReceivedEntry[]> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE source_chain = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [chain, after, limit],
  );
  return rows.map(toReceivedEntry);
}

/** One received entry with the data kept of it. */
export async function receivedEntry(db: SqlQueryable, chain: string, seq: number): Promise<ReceivedEntry | undefined> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields WHERE source_chain = $1 AND seq = $2`,
    [chain, seq],
  );
  return rows[0] ? toReceivedEntry(rows[0]) : undefined;
}

/** The hash and time of one received entry, without its data. */
export async function receivedHashAndTime(
  db: SqlQueryable,
  chain: string,
  seq: number,
): Promise<{ hash: Buffer; time: Date } | undefined> {
  const rows: Array<{ hash: Buffer; time: Date }> = await db.query(
    'SELECT hash, time FROM received_entry WHERE source_chain = $1 AND seq = $2',
    [chain, seq],
  );
  return rows[0];
}

/** The entries received last (of every chain), newest first: where and what, no data. */
export async function latestReceived(
  db: SqlQueryable,
  limit: number,
): Promise<Array<{ chain: string; seq: number; type: string; time: Date; receivedAt: Date }>> {
  const rows: Array<{ source_chain: string; seq: string; type: string; time: Date; received_at: Date }> =
    await db.query(
      'SELECT source_chain, seq, type, time, received_at FROM received_entry ORDER BY received_at DESC LIMIT $1',
      [limit],
    );
  return rows.map((row) => ({
    chain: row.source_chain,
    seq: Number(row.seq),
    type: row.type,
    time: row.time,
    receivedAt: row.received_at,
  }));
}

/** The entries of a type LIKE `typePattern` received last (of every chain), newest first, with the data kept. */
export async function latestReceivedOfType(
  db: SqlQueryable,
  typePattern: string,
  limit: number,
): Promise<ReceivedEntry[]> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE type LIKE $1 ORDER BY received_at DESC LIMIT $2`,
    [typePattern, limit],
  );
  return rows.map(toReceivedEntry);
}

/** A received grant entry (issued or revoked) with the data kept of it: what a consumer's grant book is rebuilt from. */
export interface ReceivedGrantEntry {
  chain: string;
  seq: number;
  type: string;
  disclosure: Buffer;
}

/**
 * Every grant entry this consumer kept, chain by chain in order. Grant
 * entries are control entries: always kept whole, in the same transaction
 * as the position, so a restarted consumer decides exactly as before.
 */
export async function receivedGrantEntries(db: SqlQueryable): Promise<ReceivedGrantEntry[]> {
  const rows: Array<{ source_chain: string; seq: string; type: string; disclosure: Buffer }> = await db.query(
    `SELECT e.source_chain, e.seq, e.type, d.disclosure
       FROM received_entry e JOIN received_entry_data d ON d.source_chain = e.source_chain AND d.seq = e.seq
      WHERE e.type LIKE 'gov.%.access.grant-%'
      ORDER BY e.source_chain, e.seq`,
  );
  return rows.map((row) => ({
    chain: row.source_chain,
    seq: Number(row.seq),
    type: row.type,
    disclosure: row.disclosure,
  }));
}

/** The received entries of `chain` after `afterSeq` signed with key `keyid`: what a compromise revocation is held against. */
export async function receivedSignedWith(
  db: SqlQueryable,
  chain: string,
  keyid: string,
  afterSeq: number,
): Promise<Array<{ seq: number; id: string; hash: Buffer }>> {
  const rows: Array<{ seq: string; id: string; hash: Buffer }> = await db.query(
    'SELECT seq, id, hash FROM received_entry WHERE source_chain = $1 AND keyid = $2 AND seq > $3 ORDER BY seq',
    [chain, keyid, afterSeq],
  );
  return rows.map((row) => ({ seq: Number(row.seq), id: row.id, hash: row.hash }));
}
