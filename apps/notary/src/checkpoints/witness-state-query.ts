import { queryParams, type QueryHandler } from '@registry-bus/bus';
import { CHAIN_PATTERN, DEPARTMENT_PATTERN } from '@registry-bus/protocol';
import { z } from 'zod';

import { NotaryCheckpoints } from './notary-checkpoints.js';

/** The query a witness asks after losing its state: "the last checkpoint of this chain I cosigned". */
export const WITNESS_STATE_QUERY = 'witness-state';

const params = z.strictObject({
  chain: z.string().regex(CHAIN_PATTERN),
  witness: z.string().regex(DEPARTMENT_PATTERN),
});

/**
 * The notary's answer: the latest checkpoint of `chain` it holds a
 * cosignature of `witness` for, as a signed note with the notary's
 * signature and that cosignature. The witness believes it only because the
 * cosignature is its own; the notary could hand an older one (a rollback
 * the witness cannot see), never one the witness did not sign.
 */
export function witnessStateQuery(checkpoints: NotaryCheckpoints): QueryHandler {
  return {
    name: WITNESS_STATE_QUERY,
    eventType: 'gov.notary.anchor.signed.v1',
    // Cosignatures are public, as the anchors they are of.
    sources: { checkpoint: [{ type: 'gov.notary.anchor.signed.v1', path: 'checkpoint' }] },
    parseParams: queryParams(params),
    async answer(given) {
      const { chain, witness } = given as z.infer<typeof params>;
      const cosigned = await checkpoints.cosignatures.latestOf(chain, witness);
      if (!cosigned) return undefined;
      const checkpoint = await checkpoints.at(chain, cosigned.treeSize, cosigned.root);
      return { checkpoint: NotaryCheckpoints.note(checkpoint, [cosigned.line]) };
    },
  };
}
