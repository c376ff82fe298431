import {
  NoteSignatureType,
  keyValidAt,
  noteKeyOf,
  noteKeysOf,
  parseCheckpoint,
  parseNote,
  toHex,
  verifyCosignatures,
  verifyNoteEd25519,
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
  const note = parseNote(checkpoint);
  const body = parseCheckpoint(note.text);
  if (!body.origin.endsWith(`/${anchorData.chain}`))
    throw new Error(`the checkpoint's origin ${body.origin} is not of chain ${anchorData.chain}`);
  if (body.size !== Number(anchorData.treeSize) || toHex(body.rootHash) !== anchorData.root)
    throw new Error(
      `the checkpoint says ${body.size} entries with root ${toHex(body.rootHash)}; the anchor ${anchorData.treeSize} with ${anchorData.root}`,
    );
  const anchoredAt = new Date(anchor.envelope.time);
  const signed = noteKeysOf(bundle, NOTARY, NoteSignatureType.ED25519, anchoredAt).some((key) =>
    verifyNoteEd25519(note, key),
  );
  if (!signed) throw new Error('the checkpoint carries no valid signature of a notary key valid at its anchor');
  const result: CheckpointWitnesses = { cosigners: [], timestamps: {} };
  for (const department of bundle.departments) {
    if (department.id === NOTARY) continue;
    for (const trusted of department.keys) {
      const timestamps = verifyCosignatures(note, noteKeyOf(department.id, trusted, NoteSignatureType.COSIGNATURE_V1));
      const valid = timestamps.filter((t) => keyValidAt(trusted, new Date(t * 1000)));
      if (valid.length === 0 || result.cosigners.includes(department.id)) continue;
      result.cosigners.push(department.id);
      result.timestamps[department.id] = Math.min(...valid);
    }
  }
  return result;
}
