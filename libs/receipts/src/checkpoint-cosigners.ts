import {
  NoteSignatureType,
  cosignerKeysOf,
  cosignerNames,
  noteKeysOf,
  parseCheckpoint,
  parseNote,
  toHex,
  verifyCosignatures,
  verifyNoteEd25519,
  type Checkpoint,
  type SignedNote,
  type TrustBundle,
} from '@registry-bus/protocol';

import type { ReceiptEntry } from './receipt.js';

const NOTARY = 'notary';

/** What the checkpoint of a receipt's anchor establishes: the departments whose cosignatures on it hold. */
export interface CheckpointWitnesses {
  /** Departments with a valid cosignature (type 0x04, a key of theirs in the bundle valid at its timestamp). */
  cosigners: string[];
  /** Each counted cosigner's timestamp (POSIX seconds). */
  timestamps: Record<string, number>;
}

/**
 * Checks the C2SP checkpoint a receipt carries against the receipt's own
 * anchor (issue #23): the same chain (the origin ends in `/<chain>`), size
 * and root; signed by a notary key of the bundle valid at the anchor's time;
 * and returns the witnesses whose cosignatures verify. A cosignature line
 * naming a bundle key that fails makes the whole checkpoint invalid (the
 * signed-note rule); a line of a name the bundle does not hold is ignored.
 * Throws with the reason when the checkpoint does not hold. Pure: the CLI,
 * the builder and the portal's page run the same code.
 */
export function checkpointWitnesses(
  checkpoint: string,
  anchor: ReceiptEntry,
  bundle: TrustBundle,
): CheckpointWitnesses {
  const anchorData = anchor.disclosure.fields as Record<string, string>;
  const { note, body } = checkpointOfChain(checkpoint, anchorData.chain!);
  if (body.size !== Number(anchorData.treeSize) || toHex(body.rootHash) !== anchorData.root)
    throw new Error(
      `the checkpoint says ${body.size} entries with root ${toHex(body.rootHash)}; the anchor ${anchorData.treeSize} with ${anchorData.root}`,
    );
  if (!signedByNotary(note, bundle, new Date(anchor.envelope.time)))
    throw new Error('the checkpoint carries no valid signature of a notary key valid at its anchor');
  return verifiedCosigners(note, bundle);
}

/** Parses a checkpoint note and checks that it is of `chain`: the notary's origins are `<prefix>/<chain>`. */
export function checkpointOfChain(checkpoint: string, chain: string): { note: SignedNote; body: Checkpoint } {
  const note = parseNote(checkpoint);
  const body = parseCheckpoint(note.text);
  if (!body.origin.endsWith(`/${chain}`))
    throw new Error(`the checkpoint's origin ${body.origin} is not of chain ${chain}`);
  return { note, body };
}

/** Whether `note` carries a valid signature (type 0x01) of a notary key of the bundle that was valid at `at`. */
export function signedByNotary(note: SignedNote, bundle: TrustBundle, at: Date): boolean {
  return noteKeysOf(bundle, NOTARY, NoteSignatureType.ED25519, at).some((key) => verifyNoteEd25519(note, key));
}

/**
 * The witnesses of the bundle (its departments but the notary, its outside
 * witnesses) with a cosignature (type
 * 0x04) on `note` made by one of their keys valid at the cosignature's own
 * timestamp, each once, with its earliest such timestamp. A line with a
 * bundle key's name and ID that does not verify throws (verifyCosignatures).
 */
export function verifiedCosigners(note: SignedNote, bundle: TrustBundle): CheckpointWitnesses {
  const result: CheckpointWitnesses = { cosigners: [], timestamps: {} };
  // Departments and the bundle's outside witnesses alike (cosignerKeysOf says which key was valid when).
  for (const name of cosignerNames(bundle)) {
    for (const { key, validAt } of cosignerKeysOf(bundle, name)) {
      const valid = verifyCosignatures(note, key).filter((t) => validAt(new Date(t * 1000)));
      if (valid.length === 0 || result.cosigners.includes(name)) continue;
      result.cosigners.push(name);
      result.timestamps[name] = Math.min(...valid);
    }
  }
  return result;
}
