import { concatBytes, utf8 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { verifyEd25519 } from '../signing/ed25519.js';
import {
  NoteSignatureType,
  noteKeyId,
  signaturesBy,
  type NoteSignature,
  type NoteVerifierKey,
  type SignedNote,
} from './signed-note.js';

/**
 * C2SP tlog-cosignature/v1 (c2sp.org/tlog-cosignature), Ed25519: a witness's
 * note signature (type 0x04) over `cosignature/v1\n`, `time <t>\n` and the
 * whole checkpoint text; the signature bytes are the big-endian u64
 * timestamp followed by the 64-byte Ed25519 signature.
 */

const bad = (reason: string): never => {
  throw new ProtocolError(ProtocolErrorCode.BAD_NOTE, reason);
};

/** The signed message of a cosignature made at `timestamp` (POSIX seconds) of `checkpointText`. */
export function cosignatureMessage(timestamp: number, checkpointText: string): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) bad(`${timestamp} is not a POSIX timestamp`);
  if (!checkpointText.endsWith('\n')) bad('the checkpoint text ends in a newline');
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

function timestampBytes(timestamp: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(timestamp));
  return bytes;
}

/** A witness's cosignature of `checkpointText` at `timestamp`, made by `sign` (a Signer's async `sign`). */
export async function cosignCheckpoint(
  checkpointText: string,
  name: string,
  publicKey: Uint8Array,
  timestamp: number,
  sign: (message: Uint8Array) => Promise<Uint8Array>,
): Promise<NoteSignature> {
  const signature = await sign(cosignatureMessage(timestamp, checkpointText));
  return {
    name,
    keyId: noteKeyId(name, NoteSignatureType.COSIGNATURE_V1, publicKey),
    signature: concatBytes(timestampBytes(timestamp), signature),
  };
}

/** The timestamp and Ed25519 signature inside a cosignature's bytes. */
export function splitCosignature(signature: Uint8Array): { timestamp: number; ed25519: Uint8Array } {
  if (signature.length !== 8 + 64)
    bad(`a cosignature is 72 bytes (timestamp and Ed25519 signature), not ${signature.length}`);
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) bad(`the cosignature's timestamp ${timestamp} is out of range`);
  return { timestamp: Number(timestamp), ed25519: signature.subarray(8) };
}

/**
 * The verified cosignatures of `key` on a checkpoint note: their timestamps.
 * A cosignature with the key's name and ID that does not verify throws
 * (signed-note: such a note should be rejected whole).
 */
export function verifyCosignatures(note: SignedNote, key: NoteVerifierKey): number[] {
  if (key.type !== NoteSignatureType.COSIGNATURE_V1) bad(`${key.name}+${key.keyId} is not a cosignature/v1 key`);
  return signaturesBy(note, key).map((s) => {
    const { timestamp, ed25519 } = splitCosignature(s.signature);
    if (!verifyEd25519(ed25519, cosignatureMessage(timestamp, note.text), key.publicKey))
      bad(`the cosignature of ${key.name} (time ${timestamp}) does not verify`);
    return timestamp;
  });
}
