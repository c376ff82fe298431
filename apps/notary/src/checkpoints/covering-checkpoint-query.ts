import { appliedSeq, queryParams, type QueryHandler } from '@registry-bus/bus';
import { treeInclusion } from '@registry-bus/ledger';
import { CHAIN_PATTERN } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

import type { NotaryCheckpoints } from './notary-checkpoints.js';

/**
 * The query a follower asks about an entry it holds at receipt (issue #24):
 * "which quorum checkpoint first covered it, and where is it in that tree?"
 */
export const COVERING_CHECKPOINT_QUERY = 'covering-checkpoint';

const params = z.strictObject({
  chain: z.string().regex(CHAIN_PATTERN),
  seq: z.string().regex(/^[1-9][0-9]{0,15}$/),
});

/**
 * The notary's answer: its first anchor of `chain` of at least `seq`
 * entries whose checkpoint a quorum cosigned (the signed entry with its
 * data), that checkpoint with the witnesses' cosignatures, and the RFC 6962 inclusion proof of entry
 * `seq` in it from the hash tree the notary keeps of the chain. The asker
 * checks each — the anchor's signature, the checkpoint's, the quorum, the
 * proof against the anchored root — so the notary can withhold an answer,
 * never make one up. Nothing while no anchor covers the entry, or the
 * notary's own tree is shorter than that anchor (it holds what it holds).
 */
export function coveringCheckpointQuery(dataSource: DataSource, checkpoints: NotaryCheckpoints): QueryHandler {
  return {
    name: COVERING_CHECKPOINT_QUERY,
    eventType: 'gov.notary.anchor.signed.v1',
    // The anchors and their checkpoints are public, and the proof is hashes of the anchored tree.
    sources: {
      anchor: [{ type: 'gov.notary.anchor.signed.v1', path: 'root' }],
      checkpoint: [{ type: 'gov.notary.anchor.signed.v1', path: 'checkpoint' }],
      proof: [{ type: 'gov.notary.anchor.signed.v1', path: 'root' }],
    },
    parseParams: queryParams(params),
    async answer(given) {
      const { chain, seq } = given as z.infer<typeof params>;
      const covering = await checkpoints.firstCovering(chain, Number(seq));
      if (!covering) return undefined;
      const size = await appliedSeq(dataSource, chain);
      if (size < covering.treeSize) return undefined;
      const { proof } = await treeInclusion(dataSource, chain, size, Number(seq), covering.treeSize);
      return { anchor: covering.anchor, checkpoint: covering.checkpoint, proof };
    },
  };
}
