import type { QueryRunner } from 'typeorm';

import type { StoredEntry } from '../relay/stored-entry.js';

/** Postgres takes at most 65,535 bind parameters in one statement. */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * Inserts rows with multi-row INSERT statements, as many rows per statement
 * as the bind-parameter limit (and `maxRows`) allows.
 */
export async function insertRows(
  runner: QueryRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  maxRows = 1000,
): Promise<void> {
  const rowsPerStatement = Math.max(1, Math.min(maxRows, Math.floor(MAX_BIND_PARAMETERS / columns.length)));
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The columns of a ledger_entry row, and a sealed or restored entry as such a row (the appender's and recovery's). */
export const LEDGER_ENTRY_COLUMNS = [
  'chain',
  'seq',
  'id',
  'type',
  'subject',
  'time',
  'hash',
  'envelope',
  'sig',
  'keyid',
];

export function ledgerEntryRow(e: Omit<StoredEntry, 'disclosure' | 'idempotency'>): unknown[] {
  return [
    e.chain,
    e.seq,
    e.id,
    e.type,
    e.subject,
    e.time,
    toBuffer(e.hash),
    toBuffer(e.envelope),
    toBuffer(e.sig),
    e.keyid,
  ];
}
