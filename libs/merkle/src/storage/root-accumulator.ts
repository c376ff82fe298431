import { EMPTY_ROOT, nodeHash } from '../hashing/hashing.js';

/**
 * The root of a growing tree from its leaves one at a time, in O(log n)
 * memory: it keeps the hashes of the perfect subtrees the leaves so far make
 * (one per set bit of the size), which is all RFC 6962's MTH needs.
 */
export class RootAccumulator {
  /** Perfect subtree hashes, largest (leftmost) first; sizes are the set bits of `size`. */
  private readonly peaks: Uint8Array[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a leaf hash (already SHA-256(0x00 || d)). */
  push(leafHash: Uint8Array): void {
    let hash = leafHash;
    // Merge with equal-sized peaks: one merge per trailing 1 bit of the old size.
    for (let size = this.count; size % 2 === 1; size = Math.floor(size / 2)) hash = nodeHash(this.peaks.pop()!, hash);
    this.peaks.push(hash);
    this.count++;
  }

  root(): Uint8Array {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let hash = this.peaks.at(-1)!;
    for (let i = this.peaks.length - 2; i >= 0; i--) hash = nodeHash(this.peaks[i]!, hash);
    return hash;
  }
}
