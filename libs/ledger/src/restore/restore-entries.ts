import type { QueryRunner } from 'typeorm';

import { LEDGER_ENTRY_COLUMNS, insertRows, ledgerEntryRow } from '../append/sql-batches.js';
import { appendToChainTree } from '../merkle/pg-node-store.js';
import type { StoredEntry } from '../relay/stored-entry.js';

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Appends entries read back from the chain's own topic after the database
 * lost them: the rows, their data, the Merkle nodes, the idempotency keys
 * the records carried, and — when they were read back from the topic — the
 * relay cursor (they are on Kafka already; entries from elsewhere are
 * published again).
 * The caller has verified each entry and that they continue the stored
 * chain at `sizeBefore + 1`; this runs inside its transaction.
 */
export async function restoreEntries(
  runner: QueryRunner,
  chain: string,
  sizeBefore: number,
  entries: readonly StoredEntry[],
  options: { published: boolean } = { published: true },
): Promise<void> {
  if (entries.length === 0) return;
  entries.forEach((entry, i) => {
    if (entry.chain !== chain || entry.seq !== sizeBefore + i + 1)
      throw new Error(`restore: entry ${entry.chain}/${entry.seq} does not continue ${chain} at ${sizeBefore + i + 1}`);
  });
  await insertRows(runner, 'ledger_entry', LEDGER_ENTRY_COLUMNS, entries.map(ledgerEntryRow));
  await insertRows(
    runner,
    'ledger_entry_data',
    ['chain', 'seq', 'disclosure'],
    entries.filter((e) => e.disclosure).map((e) => [e.chain, e.seq, toBuffer(e.disclosure!)]),
  );
  await appendToChainTree(
    runner,
    chain,
    sizeBefore,
    entries.map((e) => e.hash),
  );
  await insertRows(
    runner,
    'ledger_idempotency',
    ['chain', 'key', 'request_digest', 'first_seq', 'last_seq'],
    entries
      .filter((e) => e.idempotency)
      .map((e) => [chain, e.idempotency!.key, toBuffer(e.idempotency!.requestDigest), e.idempotency!.firstSeq, e.seq]),
  );
  if (!options.published) return;
  const last = entries.at(-1)!.seq;
  await runner.query(
    `INSERT INTO relay_cursor (chain, published_seq, published_at) VALUES ($1, $2, now())
     ON CONFLICT (chain) DO UPDATE SET published_seq = GREATEST(relay_cursor.published_seq, EXCLUDED.published_seq)`,
    [chain, last],
  );
}
