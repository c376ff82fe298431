import { appendLeaves, leafHash, type NodeKey, type NodeReader } from '@registry-bus/merkle';
import type { EntityManager, QueryRunner } from 'typeorm';

import type { ChainTreeWriter, MerkleNodeRow } from '../append/ledger-appender.js';

type Queryable = Pick<EntityManager, 'query'> | Pick<QueryRunner, 'query'>;

/** Reads a chain's stored Merkle nodes with one query per call (libs/merkle's NodeReader). */
export class PgNodeReader implements NodeReader {
  constructor(
    private readonly db: Queryable,
    private readonly chain: string,
  ) {}

  async getNodes(keys: NodeKey[]): Promise<Array<Uint8Array | undefined>> {
    if (keys.length === 0) return [];
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await this.db.query(
      `SELECT n.level, n.idx, n.hash
         FROM merkle_node n
         JOIN unnest($2::smallint[], $3::bigint[]) AS k(level, idx) ON n.level = k.level AND n.idx = k.idx
        WHERE n.chain = $1`,
      [this.chain, keys.map((key) => key.level), keys.map((key) => key.index)],
    );
    const found = new Map(rows.map((row) => [`${row.level}:${row.idx}`, new Uint8Array(row.hash)]));
    return keys.map((key) => found.get(`${key.level}:${key.index}`));
  }
}

/** The Merkle leaf of an entry is SHA-256(0x00 ‖ hash bytes) (DESIGN.md). */
export const entryLeaf = (entryHash: Uint8Array): Uint8Array => leafHash(entryHash);

/** Computes the nodes an append creates, reading the frontier through the batch's transaction. */
export const pgChainTree: ChainTreeWriter = {
  async nodesForAppend(runner, chain, oldSize, entryHashes): Promise<MerkleNodeRow[]> {
    const nodes = await appendLeaves(new PgNodeReader(runner, chain), oldSize, entryHashes.map(entryLeaf));
    return nodes.map((node) => ({ level: node.level, idx: node.index, hash: node.hash }));
  },
};

/**
 * Appends entry hashes to the stored tree of any chain — a witness keeps a
 * hash-only tree of every chain it follows (32 bytes an entry plus inner
 * nodes) in the same table as its own, keyed by chain.
 */
export async function appendToChainTree(
  db: Queryable,
  chain: string,
  oldSize: number,
  entryHashes: Uint8Array[],
): Promise<void> {
  const nodes = await appendLeaves(new PgNodeReader(db, chain), oldSize, entryHashes.map(entryLeaf));
  if (nodes.length === 0) return;
  await db.query(
    `INSERT INTO merkle_node (chain, level, idx, hash)
     SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[])`,
    [
      chain,
      nodes.map((node) => node.level),
      nodes.map((node) => node.index),
      nodes.map((node) => Buffer.from(node.hash)),
    ],
  );
}
