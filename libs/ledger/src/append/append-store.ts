import type { DataSource, QueryRunner } from 'typeorm';

import type { AppendedEntry, ChainHead } from './append-command.js';
import { GENESIS_PREVHASH, type SealedEntry } from './entry-sealing.js';
import { LEDGER_ENTRY_COLUMNS, insertRows, ledgerEntryRow } from './sql-batches.js';

/**
 * The appender's statements against the ledger's tables (ledger_entry and
 * its data, merkle_node, ledger_idempotency), inside the batch's
 * transaction: the appender decides, this writes.
 */

export interface MerkleNodeRow {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** An idempotency key as recorded: what request it stood for and the entries it wrote. */
export interface KnownKey {
  requestDigest: Uint8Array;
  firstSeq: number;
  lastSeq: number;
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Serialises appends to one chain across every instance of the app until
 * commit, so seq is gap-free and entries of a chain commit in seq order.
 * Taken again by the same transaction, it is already held.
 */
export async function lockChain(runner: QueryRunner, chain: string): Promise<void> {
  await runner.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`registry-bus:ledger:${chain}`]);
}

/** The chain's last entry (seq 0 and the genesis prevhash before the first). */
export async function readHead(runner: QueryRunner, chain: string): Promise<ChainHead> {
  const rows: Array<{ seq: string; hash: Buffer }> = await runner.query(
    'SELECT seq, hash FROM ledger_entry WHERE chain = $1 ORDER BY seq DESC LIMIT 1',
    [chain],
  );
  const first = rows[0];
  return first ? { seq: Number(first.seq), hash: new Uint8Array(first.hash) } : { seq: 0, hash: GENESIS_PREVHASH };
}

/** Which of `keys` this chain has recorded already. */
export async function readKnownKeys(
  runner: QueryRunner,
  chain: string,
  keys: readonly string[],
): Promise<Map<string, KnownKey>> {
  const known = new Map<string, KnownKey>();
  if (keys.length === 0) return known;
  const rows: Array<{ key: string; request_digest: Buffer; first_seq: string; last_seq: string }> = await runner.query(
    'SELECT key, request_digest, first_seq, last_seq FROM ledger_idempotency WHERE chain = $1 AND key = ANY($2)',
    [chain, keys],
  );
  for (const row of rows) {
    known.set(row.key, {
      requestDigest: new Uint8Array(row.request_digest),
      firstSeq: Number(row.first_seq),
      lastSeq: Number(row.last_seq),
    });
  }
  return known;
}

/** A batch's entries, their data, the Merkle nodes they add and the new keys: multi-row statements, one transaction. */
export async function writeBatch(
  runner: QueryRunner,
  chain: string,
  entries: readonly SealedEntry[],
  nodes: readonly MerkleNodeRow[],
  newKeys: ReadonlyArray<{ key: string } & KnownKey>,
): Promise<void> {
  if (entries.length > 0) {
    await insertRows(runner, 'ledger_entry', LEDGER_ENTRY_COLUMNS, entries.map(ledgerEntryRow));
    await insertRows(
      runner,
      'ledger_entry_data',
      ['chain', 'seq', 'disclosure'],
      entries.map((e) => [e.chain, e.seq, toBuffer(e.disclosure)]),
    );
    await insertRows(
      runner,
      'merkle_node',
      ['chain', 'level', 'idx', 'hash'],
      nodes.map((node) => [chain, node.level, node.idx, toBuffer(node.hash)]),
    );
  }
  if (newKeys.length > 0) {
    await insertRows(
      runner,
      'ledger_idempotency',
      ['chain', 'key', 'request_digest', 'first_seq', 'last_seq'],
      newKeys.map((k) => [chain, k.key, toBuffer(k.requestDigest), k.firstSeq, k.lastSeq]),
    );
  }
}

/** The entries a replayed key wrote, as the first answer gave them. */
export async function readAppended(
  db: DataSource,
  chain: string,
  range: { firstSeq: number; lastSeq: number },
): Promise<AppendedEntry[]> {
  const rows: Array<{ id: string; seq: string; type: string; subject: string; time: Date; hash: Buffer }> =
    await db.query(
      'SELECT id, seq, type, subject, time, hash FROM ledger_entry WHERE chain = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [chain, range.firstSeq, range.lastSeq],
    );
  return rows.map((row) => ({
    id: row.id,
    chain,
    seq: Number(row.seq),
    type: row.type,
    subject: row.subject,
    time: row.time,
    hash: new Uint8Array(row.hash),
  }));
}
