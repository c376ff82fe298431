import type { DataSource } from 'typeorm';

/**
 * The chains that hold entries, in order: a loose index scan over
 * (chain, seq), one probe per chain however long the chains are. The
 * start-up shard guard compares them with the configured shards.
 */
export async function writtenChains(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ chain: string }> = await dataSource.query(
    `WITH RECURSIVE chains AS (
       SELECT min(chain) AS chain FROM ledger_entry
       UNION ALL
       SELECT (SELECT min(chain) FROM ledger_entry WHERE chain > chains.chain) FROM chains WHERE chains.chain IS NOT NULL
     ) SELECT chain FROM chains WHERE chain IS NOT NULL`,
  );
  return rows.map((row) => row.chain);
}

/** Whether the ledger holds any entry at all (a new ledger holds none). */
export async function ledgerHasEntries(dataSource: DataSource): Promise<boolean> {
  const [any] = (await dataSource.query('SELECT 1 FROM ledger_entry LIMIT 1')) as unknown[];
  return any !== undefined;
}
