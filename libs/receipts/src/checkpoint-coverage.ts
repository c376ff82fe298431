import { leafHash, verifyInclusion } from '@registry-bus/merkle';
import { checkpointTime, fromHex, quorumOf, type TrustBundle } from '@registry-bus/protocol';

import { checkpointWitnesses } from './checkpoint-cosigners.js';
import type { ReceiptEntry } from './receipt.js';

export interface CoverageInput {
  chain: string;
  seq: number;
  /** The held entry's hash (hex): the leaf the proof starts from. */
  hash: string;
  /** The notary's anchor of `chain` the follower received, of at least `seq` entries. */
  anchor: ReceiptEntry;
  /** The notary's checkpoint of that anchor, with the witnesses' cosignatures. */
  checkpoint: string;
  /** RFC 6962 inclusion path (hex) of entry `seq` in the anchor's tree. */
  proof: readonly string[];
  bundle: TrustBundle;
}

export type Coverage = { covered: true; at: Date; quorum: string } | { covered: false; why: string };

/**
 * Whether a quorum checkpoint covers an entry a follower holds (issue #24):
 * the anchor is of its chain and size ≥ seq, its checkpoint carries the
 * notary's signature and a quorum of independent cosignatures (as in a
 * receipt), and the entry's hash is in the anchored tree. The time it
 * fixes is the later of the anchor's and the q-th earliest counted
 * witness timestamp (key-time.ts `checkpointTime`); the caller judges the
 * entry's key at it. Pure.
 */
export function checkpointCoverage(input: CoverageInput): Coverage {
  const anchorData = input.anchor.disclosure.fields as Record<string, unknown>;
  if (anchorData.chain !== input.chain)
    return { covered: false, why: `the anchor is of chain ${String(anchorData.chain)}` };
  const treeSize = Number(anchorData.treeSize);
  if (!Number.isSafeInteger(treeSize) || treeSize < input.seq)
    return { covered: false, why: `the anchor covers ${String(anchorData.treeSize)} entries, not ${input.seq}` };
  let witnesses: ReturnType<typeof checkpointWitnesses>;
  try {
    witnesses = checkpointWitnesses(input.checkpoint, input.anchor, input.bundle);
  } catch (error) {
    return { covered: false, why: error instanceof Error ? error.message : String(error) };
  }
  const quorum = quorumOf(input.bundle, input.chain, witnesses.cosigners);
  if (!quorum.met) return { covered: false, why: quorum.text };
  let included: boolean;
  try {
    included = verifyInclusion(
      leafHash(fromHex(input.hash)),
      input.seq - 1,
      treeSize,
      input.proof.map((hex) => fromHex(hex)),
      fromHex(String(anchorData.root)),
    );
  } catch {
    included = false;
  }
  if (!included)
    return { covered: false, why: `the inclusion path does not lead from entry ${input.seq} to the anchored root` };
  const at = checkpointTime(
    new Date(input.anchor.envelope.time),
    quorum.counted.map((witness) => witnesses.timestamps[witness]!),
    quorum.required,
  );
  if (!at) return { covered: false, why: quorum.text };
  return { covered: true, at, quorum: quorum.text };
}
