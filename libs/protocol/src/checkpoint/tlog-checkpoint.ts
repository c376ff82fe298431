import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { checkKeyName } from './signed-note.js';

/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text a log signs
 * for its tree — origin, tree size, base64 RFC 6962 root hash, then optional
 * extension lines. The notary's origins are `<prefix>/<chain>`.
 */
export interface Checkpoint {
  origin: string;
  /** Leaves in the tree; a safe integer (the ledgers' seqs are within 2^53). */
  size: number;
  /** The RFC 6962 root at `size`, 32 bytes. */
  rootHash: Uint8Array;
  extensions?: string[];
}

const bad = (reason: string): never => {
  throw new ProtocolError(ProtocolErrorCode.BAD_NOTE, reason);
};

/** The checkpoint's note text (final newline included). */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  // The origin is also the notary's note key name: the same rule keeps it one token.
  checkKeyName(checkpoint.origin);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) bad(`tree size ${checkpoint.size} is not a count`);
  if (checkpoint.rootHash.length !== 32) bad('the root hash is not 32 bytes');
  const extensions = checkpoint.extensions ?? [];
  if (extensions.some((line) => line.length === 0 || line.includes('\n')))
    bad('an extension line is empty or spans lines');
  return [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join('');
}

/** Parses a checkpoint's note text, strictly: one spelling per checkpoint. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) bad('a checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) bad('a checkpoint has an origin, a tree size and a root hash');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) bad('the origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    bad(`'${size}' is not a tree size (decimal, no leading zeroes)`);
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(root);
  } catch {
    return bad(`the root hash '${root}' is not base64`);
  }
  if (rootHash.length !== 32) bad('the root hash is not 32 bytes');
  if (extensions.some((line) => line.length === 0)) bad('an extension line is empty');
  return { origin, size: Number(size), rootHash, ...(extensions.length > 0 ? { extensions } : {}) };
}
