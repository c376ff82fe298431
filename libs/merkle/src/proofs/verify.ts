import { equalBytes, isHash, nodeHash } from '../hashing/hashing.js';

const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
// Arithmetic, not bit operators: sizes go beyond 2^31.
function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

const isProof = (proof: unknown): proof is Uint8Array[] => Array.isArray(proof) && proof.every(isHash);

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `index` of the tree of
 * `treeSize` leaves with root `root`. Never throws; malformed input is false.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isHash(leafHash) || !isHash(root) || !isSize(index) || !isSize(treeSize) || !isProof(proof)) return false;
    if (index >= treeSize) return false;
    let fn = index;
    let sn = treeSize - 1;
    let r = leafHash;
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equalBytes(r, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `newSize` leaves with root
 * `newRoot` extends the tree of `oldSize` leaves with root `oldRoot`.
 * Edges as transparency-dev/merkle: every tree extends the empty tree (with
 * an empty proof); equal sizes need an empty proof and equal roots. Never throws.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: Uint8Array[],
): boolean {
  try {
    if (!isSize(oldSize) || !isSize(newSize) || !isProof(proof) || oldSize > newSize) return false;
    if (oldSize === 0) return proof.length === 0 && isHash(newRoot);
    if (!isHash(oldRoot) || !isHash(newRoot)) return false;
    if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
    if (proof.length === 0) return false;

    let path = proof;
    // If old size is an exact power of two, the old root is the first node of the path.
    if (isPowerOfTwo(oldSize)) path = [oldRoot, ...proof];
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr = path[0]!;
    let sr = path[0]!;
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return equalBytes(fr, oldRoot) && equalBytes(sr, newRoot) && sn === 0;
  } catch {
    return false;
  }
}
