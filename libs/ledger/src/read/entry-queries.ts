import type { EntityManager } from 'typeorm';

import {
  STORED_ENTRY_COLUMNS,
  STORED_ENTRY_FROM,
  toStoredEntry,
  type StoredEntry,
  type StoredEntryRow,
} from '../relay/stored-entry.js';

/** A DataSource, or the EntityManager of a transaction: anything that runs a query. */
export type SqlQueryable = Pick<EntityManager, 'query'>;

/**
 * The ledger's own questions about ledger_entry that other libs and apps ask
 * (metrics, receipts, witnesses, recovery, the operator view, read models):
 * every SQL statement of the ledger's tables lives in this lib (STYLE.md,
 * "A table belongs to one lib"). Data stored inside an entry is read through
 * the ledger_entry_fields view (migration 1764000000004), never decoded inline.
 */

/** The newest seq of a chain, 0 when it has no entry. */
export async function headSeq(db: SqlQueryable, chain: string): Promise<number> {
  const rows: Array<{ seq: string | null }> = await db.query(
    'SELECT max(seq) AS seq FROM ledger_entry WHERE chain = $1',
    [chain],
  );
  return Number(rows[0]?.seq ?? 0);
}

/** The stored hash of each of these seqs of the chain that the ledger has. */
export async function entryHashes(
  db: SqlQueryable,
  chain: string,
  seqs: readonly number[],
): Promise<Map<number, Uint8Array>> {
  const rows: Array<{ seq: string; hash: Buffer }> = await db.query(
    'SELECT seq, hash FROM ledger_entry WHERE chain = $1 AND seq = ANY($2::bigint[])',
    [chain, seqs],
  );
  return new Map(rows.map((row) => [Number(row.seq), new Uint8Array(row.hash)]));
}

/** Entries committed to the chain that the relay has not put on Kafka yet: how many, and the oldest one's age. */
export async function unpublishedEntries(
  db: SqlQueryable,
  chain: string,
): Promise<{ count: number; oldestAgeSeconds: number }> {
  const rows: Array<{ n: string; age: number | null }> = await db.query(
    `SELECT count(*) AS n, extract(epoch FROM now() - min(e.time))::float8 AS age
       FROM ledger_entry e
      WHERE e.chain = $1 AND e.seq > coalesce((SELECT published_seq FROM relay_cursor WHERE chain = $1), 0)`,
    [chain],
  );
  return { count: Number(rows[0]?.n ?? 0), oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0) };
}

/** Which entries to read by their data: of some chains, of one type (or a LIKE pattern), with some field values. */
export interface EntryDataFilter {
  /** These chains; or `department`: the department's chain and all its shards (`land`, `land/0`, …). */
  chains?: readonly string[];
  department?: string;
  type?: string;
  typeLike?: string;
  /** Fields of the entry's data that must have these values (compared as text). */
  fields?: Readonly<Record<string, string>>;
  /** Integer fields of the entry's data that must be at least these values. */
  atLeast?: Readonly<Record<string, number>>;
}

/** A stored entry with its data's fields decoded (null when it has no data). */
export interface EntryWithFields extends StoredEntry {
  recordedAt: Date;
  fields: Record<string, unknown> | null;
}

interface EntryWithFieldsRow extends StoredEntryRow {
  recorded_at: Date;
  fields: Record<string, unknown> | null;
}

const ENTRY_WITH_FIELDS =
  'chain, seq, id, type, subject, time, hash, envelope, sig, keyid, disclosure, recorded_at, fields';

function toEntryWithFields(row: EntryWithFieldsRow): EntryWithFields {
  return { ...toStoredEntry(row), recordedAt: row.recorded_at, fields: row.fields };
}

/** The WHERE clause of a filter over ledger_entry_fields, with its parameters (entries with data only). */
function whereOf(filter: EntryDataFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const conditions = ['disclosure IS NOT NULL'];
  if (filter.chains) conditions.push(`chain = ANY(${bind(filter.chains)})`);
  if (filter.department !== undefined) {
    const department = bind(filter.department);
    conditions.push(`(chain = ${department} OR chain LIKE ${department} || '/%')`);
  }
  if (filter.type !== undefined) conditions.push(`type = ${bind(filter.type)}`);
  if (filter.typeLike !== undefined) conditions.push(`type LIKE ${bind(filter.typeLike)}`);
  for (const [field, value] of Object.entries(filter.fields ?? {}))
    conditions.push(`fields ->> ${bind(field)} = ${bind(value)}`);
  for (const [field, value] of Object.entries(filter.atLeast ?? {}))
    conditions.push(`(fields ->> ${bind(field)})::bigint >= ${bind(value)}`);
  return { where: conditions.join(' AND '), params };
}

/**
 * The entries with data that match the filter, ordered by chain and seq
 * (`newestFirst`: by seq descending), at most `limit`.
 */
export async function entriesWithFields(
  db: SqlQueryable,
  filter: EntryDataFilter,
  options: { newestFirst?: boolean; limit?: number } = {},
): Promise<EntryWithFields[]> {
  const { where, params } = whereOf(filter);
  const order = options.newestFirst ? 'seq DESC, chain' : 'chain, seq';
  const limit = options.limit === undefined ? '' : ` LIMIT $${params.push(options.limit)}`;
  const rows: EntryWithFieldsRow[] = await db.query(
    `SELECT ${ENTRY_WITH_FIELDS} FROM ledger_entry_fields WHERE ${where} ORDER BY ${order}${limit}`,
    params,
  );
  return rows.map(toEntryWithFields);
}

/** These seqs of one chain, with their data's fields (null without data), in seq order: what a key release covers. */
export async function entriesAt(db: SqlQueryable, chain: string, seqs: readonly number[]): Promise<EntryWithFields[]> {
  const rows: EntryWithFieldsRow[] = await db.query(
    `SELECT ${ENTRY_WITH_FIELDS} FROM ledger_entry_fields WHERE chain = $1 AND seq = ANY($2::bigint[]) ORDER BY seq`,
    [chain, seqs],
  );
  return rows.map(toEntryWithFields);
}

/** How many entries with data match the filter, by the value (text, or null) of one field of their data. */
export async function countEntriesByField(
  db: SqlQueryable,
  filter: EntryDataFilter,
  field: string,
): Promise<Array<{ value: string | null; count: number }>> {
  const { where, params } = whereOf(filter);
  const rows: Array<{ value: string | null; n: string }> = await db.query(
    `SELECT fields ->> $${params.push(field)} AS value, count(*) AS n FROM ledger_entry_fields WHERE ${where} GROUP BY 1`,
    params,
  );
  return rows.map((row) => ({ value: row.value, count: Number(row.n) }));
}

/** The largest value of an integer field of the data of the entries that match the filter (undefined: none). */
export async function maxIntegerField(
  db: SqlQueryable,
  filter: EntryDataFilter,
  field: string,
): Promise<number | undefined> {
  const { where, params } = whereOf(filter);
  const rows: Array<{ value: string | null }> = await db.query(
    `SELECT max((fields ->> $${params.push(field)})::bigint) AS value FROM ledger_entry_fields WHERE ${where}`,
    params,
  );
  return rows[0]?.value == null ? undefined : Number(rows[0].value);
}

/** One entry with its data's fields (null when it has no data). */
export async function entryWithFields(
  db: SqlQueryable,
  chain: string,
  seq: number,
): Promise<EntryWithFields | undefined> {
  const rows: EntryWithFieldsRow[] = await db.query(
    `SELECT ${ENTRY_WITH_FIELDS} FROM ledger_entry_fields WHERE chain = $1 AND seq = $2`,
    [chain, seq],
  );
  return rows[0] ? toEntryWithFields(rows[0]) : undefined;
}

/** The entries recorded last (of every chain), newest first: where and what, no data. */
export async function latestEntries(
  db: SqlQueryable,
  limit: number,
): Promise<Array<{ chain: string; seq: number; type: string; time: Date; recordedAt: Date }>> {
  const rows: Array<{ chain: string; seq: string; type: string; time: Date; recorded_at: Date }> = await db.query(
    'SELECT chain, seq, type, time, recorded_at FROM ledger_entry ORDER BY recorded_at DESC LIMIT $1',
    [limit],
  );
  return rows.map((row) => ({
    chain: row.chain,
    seq: Number(row.seq),
    type: row.type,
    time: row.time,
    recordedAt: row.recorded_at,
  }));
}

/** The entries of a type LIKE `typePattern` recorded last (of every chain), newest first, with their data's fields. */
export async function latestEntriesOfType(
  db: SqlQueryable,
  typePattern: string,
  limit: number,
): Promise<EntryWithFields[]> {
  const rows: EntryWithFieldsRow[] = await db.query(
    `SELECT ${ENTRY_WITH_FIELDS} FROM ledger_entry_fields WHERE type LIKE $1 ORDER BY recorded_at DESC LIMIT $2`,
    [typePattern, limit],
  );
  return rows.map(toEntryWithFields);
}

/**
 * For entries of one type in a department's chains whose data has `key` equal
 * to one of `values`: the text of their `field` by that key (e.g. which bank
 * requested each of these pledges). The first entry of a key wins: the one
 * that created what the key names.
 */
export async function fieldByKey(
  db: SqlQueryable,
  lookup: { department: string; type: string; key: string; field: string; values: readonly string[] },
): Promise<Map<string, string>> {
  if (lookup.values.length === 0) return new Map();
  const rows: Array<{ key: string; value: string | null }> = await db.query(
    `SELECT DISTINCT ON (fields ->> $3) fields ->> $3 AS key, fields ->> $4 AS value
       FROM ledger_entry_fields
      WHERE (chain = $1 OR chain LIKE $1 || '/%') AND type = $2 AND disclosure IS NOT NULL
        AND fields ->> $3 = ANY($5::text[])
      ORDER BY fields ->> $3, recorded_at, seq`,
    [lookup.department, lookup.type, lookup.key, lookup.field, lookup.values],
  );
  return new Map(rows.filter((row) => row.value !== null).map((row) => [row.key, row.value!]));
}

/**
 * Every entry of one subject in a chain, in seq order, with its data: what an
 * aggregate's state is folded from when it is checked against the ledger.
 * Through the caller's transaction when it passes one, so a batch sees the
 * entries its earlier commands wrote.
 */
export async function subjectEntries(db: SqlQueryable, chain: string, subject: string): Promise<StoredEntry[]> {
  const rows: StoredEntryRow[] = await db.query(
    `SELECT ${STORED_ENTRY_COLUMNS} FROM ${STORED_ENTRY_FROM} WHERE e.chain = $1 AND e.subject = $2 ORDER BY e.seq`,
    [chain, subject],
  );
  return rows.map(toStoredEntry);
}

/**
 * The entries whose envelope names one of these actors (e.g. `reaction:<cause id>`: what a reaction appended),
 * in order. The actor is inside the envelope's bytes, not a column: one pass over the ledger, so ask for every
 * actor at once.
 */
export async function entriesByActor(
  db: SqlQueryable,
  actors: readonly string[],
): Promise<Array<{ chain: string; seq: number; type: string; actor: string }>> {
  if (actors.length === 0) return [];
  const rows: Array<{ chain: string; seq: string; type: string; actor: string }> = await db.query(
    `SELECT chain, seq, type, actor FROM (
       SELECT chain, seq, type, convert_from(envelope, 'UTF8')::jsonb ->> 'actor' AS actor FROM ledger_entry
     ) AS e WHERE actor = ANY($1) ORDER BY chain, seq`,
    [actors],
  );
  return rows.map((row) => ({ chain: row.chain, seq: Number(row.seq), type: row.type, actor: row.actor }));
}
