import type { DataSource } from 'typeorm';

/** A witness's cosignature line of one checkpoint, as the notary keeps it (table checkpoint_cosignature). */
export interface StoredCosignature {
  chain: string;
  treeSize: number;
  root: Uint8Array;
  witness: string;
  /** The cosignature's own timestamp (POSIX seconds). */
  cosignedAt: number;
  /** The signature line, `— <witness> <base64>`, without its newline. */
  line: string;
}

/** The notary's store of checked cosignatures; this module alone writes SQL against its table. */
export class CheckpointCosignatures {
  constructor(private readonly dataSource: Pick<DataSource, 'query'>) {}

  /** Keeps a checked cosignature; a second one of the same checkpoint by the same witness is not kept. */
  async record(cosignature: StoredCosignature): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO checkpoint_cosignature (chain, tree_size, root, witness, cosigned_at, line)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        cosignature.chain,
        cosignature.treeSize,
        Buffer.from(cosignature.root),
        cosignature.witness,
        cosignature.cosignedAt,
        cosignature.line,
      ],
    );
  }

  /** The cosignature lines of the checkpoint of `chain` at `treeSize` with `root`, by witness name. */
  async of(chain: string, treeSize: number, root: Uint8Array): Promise<StoredCosignature[]> {
    const rows = (await this.dataSource.query(
      `SELECT witness, cosigned_at, line FROM checkpoint_cosignature
       WHERE chain = $1 AND tree_size = $2 AND root = $3 ORDER BY witness`,
      [chain, treeSize, Buffer.from(root)],
    )) as Array<{ witness: string; cosigned_at: string; line: string }>;
    return rows.map((row) => ({
      chain,
      treeSize,
      root,
      witness: row.witness,
      cosignedAt: Number(row.cosigned_at),
      line: row.line,
    }));
  }

  /**
   * Who cosigned each of these checkpoints (by `chain`, size and hex root), in
   * one query: what the operator view shows beside the latest anchors.
   */
  async witnessesOf(
    checkpoints: ReadonlyArray<{ chain: string; treeSize: number; root: string }>,
  ): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (checkpoints.length === 0) return found;
    const rows = (await this.dataSource.query(
      `SELECT c.chain, c.tree_size, encode(c.root, 'hex') AS root, c.witness
         FROM checkpoint_cosignature c
         JOIN unnest($1::text[], $2::bigint[], $3::text[]) AS w(chain, tree_size, root)
           ON c.chain = w.chain AND c.tree_size = w.tree_size AND c.root = decode(w.root, 'hex')
        ORDER BY c.witness`,
      [checkpoints.map((c) => c.chain), checkpoints.map((c) => c.treeSize), checkpoints.map((c) => c.root)],
    )) as Array<{ chain: string; tree_size: string; root: string; witness: string }>;
    for (const row of rows) {
      const key = checkpointKey(row.chain, Number(row.tree_size), row.root);
      found.set(key, [...(found.get(key) ?? []), row.witness]);
    }
    return found;
  }

  /** The largest size of `chain` that `witness` cosigned: what it holds, unless it lost its state. */
  async largestCosigned(chain: string, witness: string): Promise<number | undefined> {
    const [row] = (await this.dataSource.query(
      'SELECT max(tree_size) AS size FROM checkpoint_cosignature WHERE chain = $1 AND witness = $2',
      [chain, witness],
    )) as Array<{ size: string | null }>;
    return row?.size === null || row?.size === undefined ? undefined : Number(row.size);
  }

  /** The latest checkpoint of `chain` that `witness` cosigned, with its line: what the witness may restore from. */
  async latestOf(chain: string, witness: string): Promise<StoredCosignature | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT tree_size, root, cosigned_at, line FROM checkpoint_cosignature
       WHERE chain = $1 AND witness = $2 ORDER BY tree_size DESC LIMIT 1`,
      [chain, witness],
    )) as Array<{ tree_size: string; root: Buffer; cosigned_at: string; line: string }>;
    return row
      ? {
          chain,
          treeSize: Number(row.tree_size),
          root: new Uint8Array(row.root),
          witness,
          cosignedAt: Number(row.cosigned_at),
          line: row.line,
        }
      : undefined;
  }
}

/** The key `witnessesOf` answers by. */
export const checkpointKey = (chain: string, treeSize: number, rootHex: string) =>
  `${chain}\u0000${treeSize}\u0000${rootHex.toLowerCase()}`;
