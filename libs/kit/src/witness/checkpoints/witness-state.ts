import type { DataSource } from 'typeorm';

import type { Judgement, WitnessState } from './judge-checkpoint.js';

/**
 * The witness's per-origin state (table witness_checkpoint, this module's
 * alone): its latest row. Check and persist happen in one transaction under
 * a lock of the origin, so two concurrent requests cannot both move it.
 */
export async function latestWitnessState(
  db: Pick<DataSource, 'query'>,
  origin: string,
): Promise<WitnessState | undefined> {
  const [row] = (await db.query(
    'SELECT tree_size, root FROM witness_checkpoint WHERE origin = $1 ORDER BY tree_size DESC LIMIT 1',
    [origin],
  )) as Array<{ tree_size: string; root: Buffer }>;
  return row ? { size: Number(row.tree_size), root: new Uint8Array(row.root) } : undefined;
}

/**
 * Judges a checkpoint against the origin's state, read under the lock
 * (`initial` when the origin has no row yet: recorded when it was restored),
 * and records it when the judgement cosigns a larger one — all or nothing.
 */
export async function judgeAndRecord(
  dataSource: DataSource,
  origin: string,
  checkpoint: { size: number; rootHash: Uint8Array; note: string },
  initial: () => Promise<{ state: WitnessState; restoredFrom?: string }>,
  judge: (state: WitnessState) => Judgement,
): Promise<{ judgement: Judgement; state: WitnessState }> {
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`witness:${origin}`]);
    let state = await latestWitnessState(manager, origin);
    if (!state) {
      const first = await initial();
      state = first.state;
      // A state restored from a checkpoint this witness cosigned is its state again, whatever is judged next.
      if (first.restoredFrom !== undefined && state.size > 0)
        await manager.query('INSERT INTO witness_checkpoint (origin, tree_size, root, note) VALUES ($1, $2, $3, $4)', [
          origin,
          state.size,
          Buffer.from(state.root),
          first.restoredFrom,
        ]);
    }
    const judgement = judge(state);
    if (judgement.kind === 'cosign' && judgement.advances)
      await manager.query('INSERT INTO witness_checkpoint (origin, tree_size, root, note) VALUES ($1, $2, $3, $4)', [
        origin,
        checkpoint.size,
        Buffer.from(checkpoint.rootHash),
        checkpoint.note,
      ]);
    return { judgement, state };
  });
}
