import type { DataSource } from 'typeorm';

import {
  STORED_ENTRY_COLUMNS,
  STORED_ENTRY_FROM,
  toStoredEntry,
  type StoredEntry,
  type StoredEntryRow,
} from '../relay/stored-entry.js';

/** Reads of a department's own ledger (REST, verification, export, receipts). */
export class LedgerReader {
  constructor(private readonly dataSource: DataSource) {}

  async head(chain: string): Promise<{ seq: number; hash: Uint8Array; time: Date } | undefined> {
    const rows: Array<{ seq: string; hash: Buffer; time: Date }> = await this.dataSource.query(
      'SELECT seq, hash, time FROM ledger_entry WHERE chain = $1 ORDER BY seq DESC LIMIT 1',
      [chain],
    );
    const row = rows[0];
    return row ? { seq: Number(row.seq), hash: new Uint8Array(row.hash), time: row.time } : undefined;
  }

  async entry(chain: string, seq: number): Promise<StoredEntry | undefined> {
    const rows: StoredEntryRow[] = await this.dataSource.query(
      `SELECT ${STORED_ENTRY_COLUMNS} FROM ${STORED_ENTRY_FROM} WHERE e.chain = $1 AND e.seq = $2`,
      [chain, seq],
    );
    return rows[0] ? toStoredEntry(rows[0]) : undefined;
  }

  /** Entries with seq > after, in order, at most `limit`. */
  async entries(chain: string, after: number, limit: number): Promise<StoredEntry[]> {
    const rows: StoredEntryRow[] = await this.dataSource.query(
      `SELECT ${STORED_ENTRY_COLUMNS} FROM ${STORED_ENTRY_FROM} WHERE e.chain = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [chain, after, limit],
    );
    return rows.map(toStoredEntry);
  }

  /** Every entry of a chain in order, a page at a time: never a million rows at once. */
  async *stream(
    chain: string,
    options: { fromSeq?: number; toSeq?: number; pageSize?: number } = {},
  ): AsyncGenerator<StoredEntry> {
    const pageSize = options.pageSize ?? 1000;
    const toSeq = options.toSeq ?? Number.MAX_SAFE_INTEGER;
    let after = (options.fromSeq ?? 1) - 1;
    for (;;) {
      const page = await this.entries(chain, after, Math.min(pageSize, toSeq - after));
      for (const entry of page) yield entry;
      if (page.length < pageSize || after + page.length >= toSeq) return;
      after = page.at(-1)!.seq;
    }
  }

  async entriesOfSubject(chain: string, subject: string): Promise<StoredEntry[]> {
    const rows: StoredEntryRow[] = await this.dataSource.query(
      `SELECT ${STORED_ENTRY_COLUMNS} FROM ${STORED_ENTRY_FROM} WHERE e.chain = $1 AND e.subject = $2 ORDER BY e.seq`,
      [chain, subject],
    );
    return rows.map(toStoredEntry);
  }
}
