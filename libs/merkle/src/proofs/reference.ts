import { EMPTY_ROOT, leafHash, nodeHash, splitPoint } from '../hashing/hashing.js';

/**
 * RFC 6962 §2.1 over leaves held in memory, written as the RFC's recursive
 * definitions: MTH, PATH and PROOF/SUBPROOF. These are the reference the
 * stored tree is tested against; they hash every leaf.
 */

function mth(hashes: Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return hashes[start]!;
  const k = splitPoint(n);
  return nodeHash(mth(hashes, start, start + k), mth(hashes, start + k, end));
}

/** MTH(D[n]) of raw leaf inputs d(i). */
export function rootFromLeaves(leaves: Uint8Array[]): Uint8Array {
  const hashes = leaves.map(leafHash);
  return mth(hashes, 0, hashes.length);
}

/** MTH over leaf hashes that are already SHA-256(0x00 || d). */
export function rootFromLeafHashes(hashes: Uint8Array[]): Uint8Array {
  return mth(hashes, 0, hashes.length);
}

function path(hashes: Uint8Array[], m: number, start: number, end: number): Uint8Array[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...path(hashes, m, start, start + k), mth(hashes, start + k, end)]
    : [...path(hashes, m - k, start + k, end), mth(hashes, start, start + k)];
}

/** PATH(m, D[n]) (RFC 6962 §2.1.1): the audit path of leaf m (0-based), leaf-side first. */
export function inclusionProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${leaves.length} leaves`);
  }
  return path(leaves.map(leafHash), index, 0, leaves.length);
}

function subproof(hashes: Uint8Array[], m: number, start: number, end: number, complete: boolean): Uint8Array[] {
  const n = end - start;
  if (m === n) return complete ? [] : [mth(hashes, start, end)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(hashes, m, start, start + k, complete), mth(hashes, start + k, end)]
    : [...subproof(hashes, m - k, start + k, end, false), mth(hashes, start, start + k)];
}

/** PROOF(m, D[n]) (RFC 6962 §2.1.2) with n = leaves.length; empty for m = 0 and m = n. */
export function consistencyProof(leaves: Uint8Array[], oldSize: number): Uint8Array[] {
  if (!Number.isInteger(oldSize) || oldSize < 0 || oldSize > leaves.length) {
    throw new RangeError(`old size ${oldSize} is outside 0..${leaves.length}`);
  }
  if (oldSize === 0) return [];
  return subproof(leaves.map(leafHash), oldSize, 0, leaves.length, true);
}
