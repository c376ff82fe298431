import {
  RECEIVED_ENTRY_COLUMNS,
  toReceivedEntry,
  type ReceivedEntry,
  type ReceivedEntryRow,
  type SqlQueryable,
} from './received-entries.js';

/**
 * The notary's anchors and the witnesses' cosignatures of them, as a
 * department received them: receipts, exports, recovery and metrics ask for
 * these by the fields of the anchors' data (their `chain` and `treeSize`,
 * the cosignatures' `anchorChain` and `anchorSeq`).
 */
const ANCHOR = `source_chain = 'notary' AND type = 'gov.notary.anchor.signed.v1' AND disclosure IS NOT NULL`;
const COSIGNATURE_OF_NOTARY = `type LIKE 'gov.%.witness.cosigned.v1' AND fields ->> 'anchorChain' = 'notary'`;

/** The anchors of `chain` with notary seq > afterSeq and at most `maxTreeSize` entries, in order, at most `limit`. */
export async function receivedAnchors(
  db: SqlQueryable,
  chain: string,
  options: { afterSeq: number; maxTreeSize: number; limit: number },
): Promise<ReceivedEntry[]> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE ${ANCHOR} AND seq > $2 AND fields ->> 'chain' = $1 AND (fields ->> 'treeSize')::bigint <= $3
      ORDER BY seq LIMIT $4`,
    [chain, options.afterSeq, options.maxTreeSize, options.limit],
  );
  return rows.map(toReceivedEntry);
}

/** The latest anchors of `chain` that cover its entry `seq` (tree size ≥ seq), newest first, at most `limit`. */
export async function receivedAnchorsCovering(
  db: SqlQueryable,
  chain: string,
  seq: number,
  limit: number,
): Promise<ReceivedEntry[]> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE ${ANCHOR} AND fields ->> 'chain' = $1 AND (fields ->> 'treeSize')::bigint >= $2
      ORDER BY seq DESC LIMIT $3`,
    [chain, seq, limit],
  );
  return rows.map(toReceivedEntry);
}

/** The first anchor of `chain` received that covers its entry `seq` (tree size ≥ seq): the one that fixed its time. */
export async function earliestAnchorCovering(
  db: SqlQueryable,
  chain: string,
  seq: number,
): Promise<ReceivedEntry | undefined> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE ${ANCHOR} AND fields ->> 'chain' = $1 AND (fields ->> 'treeSize')::bigint >= $2
      ORDER BY seq LIMIT 1`,
    [chain, seq],
  );
  return rows[0] ? toReceivedEntry(rows[0]) : undefined;
}

/**
 * The tree size of the latest anchor of `chain` received (0: none); with
 * `cosignedHere`, of the latest one that a cosignature received names.
 */
export async function latestAnchoredTreeSize(
  db: SqlQueryable,
  chain: string,
  options: { cosignedHere: boolean },
): Promise<number> {
  const rows: Array<{ size: string | null }> = await db.query(
    `SELECT max((e.fields ->> 'treeSize')::bigint) AS size FROM received_entry_fields e
      WHERE e.source_chain = 'notary' AND e.type = 'gov.notary.anchor.signed.v1' AND e.disclosure IS NOT NULL
        AND e.fields ->> 'chain' = $1
        AND (NOT $2 OR EXISTS (
          SELECT 1 FROM received_entry_fields c
           WHERE c.type LIKE 'gov.%.witness.cosigned.v1' AND c.fields ->> 'anchorSeq' = e.seq::text))`,
    [chain, options.cosignedHere],
  );
  return Number(rows[0]?.size ?? 0);
}

/**
 * The received cosignatures of these notary anchors (by notary seq), in
 * order of their own chain and seq, each with the anchor seq it cosigns.
 */
export async function receivedCosignatures(
  db: SqlQueryable,
  anchorSeqs: readonly string[],
): Promise<Array<ReceivedEntry & { anchorSeq: string }>> {
  const rows: ReceivedEntryRow[] = await db.query(
    `SELECT ${RECEIVED_ENTRY_COLUMNS} FROM received_entry_fields
      WHERE ${COSIGNATURE_OF_NOTARY} AND fields ->> 'anchorSeq' = ANY($1)
      ORDER BY source_chain, seq`,
    [anchorSeqs],
  );
  return rows.map((row) => ({ ...toReceivedEntry(row), anchorSeq: String(row.fields!.anchorSeq) }));
}
