import { quorumOf, toHex, type QuorumReport, type TrustBundle } from '@registry-bus/protocol';

import {
  checkpointOfChain,
  signedByNotary,
  verifiedCosigners,
  type CheckpointWitnesses,
} from './checkpoint-cosigners.js';

/**
 * The latest checkpoint of a chain as the notary serves it (`GET
 * /v1/checkpoints/<chain>`), taken from outside the export it is held to,
 * once its signatures are checked.
 */
export interface OutsideCheckpoint extends CheckpointWitnesses {
  origin: string;
  size: number;
  /** The RFC 6962 root at `size`, hex. */
  root: string;
  /** Whether the cosigners make the chain's quorum (the owner's own and the notary's never count). */
  quorum: QuorumReport;
  /**
   * POSIX seconds: the q-th earliest timestamp among the counted cosigners,
   * the moment a quorum had attested the checkpoint. Only when the quorum is met.
   */
  cosignedAt?: number;
}

/**
 * Checks a checkpoint note handed over from outside an export (issue #23):
 * of `chain` (origin `<prefix>/<chain>`), signed by a notary key of the
 * bundle, and which departments cosigned it (as for a receipt's checkpoint:
 * a key valid at each cosignature's timestamp), with the chain's quorum.
 * Throws with the reason when the note is malformed, of another chain, or
 * not signed by the notary. Pure: `now` is the caller's clock.
 */
export function verifyOutsideCheckpoint(
  note: string,
  chain: string,
  bundle: TrustBundle,
  now: Date = new Date(),
): OutsideCheckpoint {
  const { note: parsed, body } = checkpointOfChain(note, chain);
  // A notary key valid now: when the checkpoint was signed is not known from the note itself (#24 will judge the key at that time).
  if (!signedByNotary(parsed, bundle, now))
    throw new Error('the checkpoint carries no valid signature of a notary key of the trust bundle');
  const witnesses = verifiedCosigners(parsed, bundle);
  const quorum = quorumOf(bundle, chain, witnesses.cosigners);
  const counted = quorum.counted.map((witness) => witnesses.timestamps[witness]!).sort((a, b) => a - b);
  const cosignedAt = quorum.met ? counted[quorum.required - 1] : undefined;
  return {
    origin: body.origin,
    size: body.size,
    root: toHex(body.rootHash),
    ...witnesses,
    quorum,
    ...(cosignedAt === undefined ? {} : { cosignedAt }),
  };
}
