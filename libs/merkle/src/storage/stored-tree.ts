import { EMPTY_ROOT, nodeHash, splitPoint } from '../hashing/hashing.js';
import { nodeKeyId, type NodeKey, type NodeReader, type StoredNode } from './node-store.js';

/**
 * RFC 6962 trees over a node store: appends write O(log n) nodes; roots of
 * past sizes and inclusion and consistency proofs read O(log n) nodes, in one
 * getNodes call, and never rehash leaves.
 *
 * A range [start, end) met while following RFC 6962's recursion always starts
 * at a multiple of a power of two at least as large as the range, so it is
 * the concatenation of the perfect subtrees named by the binary digits of its
 * length: its hash is a right fold of those stored nodes.
 */

function perfectSubtrees(start: number, end: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let position = start;
  while (position < end) {
    let size = 1;
    while (size * 2 <= end - position && position % (size * 2) === 0) size *= 2;
    keys.push({ level: Math.log2(size), index: position / size });
    position += size;
  }
  return keys;
}

/** A plan: which nodes to read, and how to fold them into hashes once read. */
type Needed = Map<string, NodeKey>;

function need(needed: Needed, start: number, end: number): NodeKey[] {
  const keys = perfectSubtrees(start, end);
  for (const key of keys) needed.set(nodeKeyId(key), key);
  return keys;
}

async function readAll(reader: NodeReader, needed: Needed): Promise<Map<string, Uint8Array>> {
  const keys = [...needed.values()];
  const hashes = keys.length > 0 ? await reader.getNodes(keys) : [];
  const found = new Map<string, Uint8Array>();
  keys.forEach((key, i) => {
    const hash = hashes[i];
    if (!hash) throw new Error(`Merkle node level ${key.level} index ${key.index} is missing from the store`);
    found.set(nodeKeyId(key), hash);
  });
  return found;
}

function fold(keys: NodeKey[], found: Map<string, Uint8Array>): Uint8Array {
  if (keys.length === 0) return EMPTY_ROOT;
  let hash = found.get(nodeKeyId(keys.at(-1)!))!;
  for (let i = keys.length - 2; i >= 0; i--) hash = nodeHash(found.get(nodeKeyId(keys[i]!))!, hash);
  return hash;
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** MTH of the first `size` leaves. */
export async function rootAt(reader: NodeReader, size: number): Promise<Uint8Array> {
  checkSize('size', size);
  const needed: Needed = new Map();
  const keys = need(needed, 0, size);
  return fold(keys, await readAll(reader, needed));
}

/** PATH(index, D[size]) from storage. */
export async function inclusionProofAt(reader: NodeReader, index: number, size: number): Promise<Uint8Array[]> {
  checkSize('size', size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  const needed: Needed = new Map();
  const siblings: NodeKey[][] = [];
  let m = index;
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      siblings.unshift(need(needed, start + k, end));
      end = start + k;
    } else {
      siblings.unshift(need(needed, start, start + k));
      start += k;
      m -= k;
    }
  }
  const found = await readAll(reader, needed);
  return siblings.map((keys) => fold(keys, found));
}

/** PROOF(oldSize, D[newSize]) from storage. */
export async function consistencyProofAt(reader: NodeReader, oldSize: number, newSize: number): Promise<Uint8Array[]> {
  checkSize('oldSize', oldSize);
  checkSize('newSize', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const needed: Needed = new Map();
  const parts: NodeKey[][] = [];
  let m = oldSize;
  let start = 0;
  let end = newSize;
  let complete = true;
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) parts.unshift(need(needed, start, end));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      parts.unshift(need(needed, start + k, end));
      end = start + k;
    } else {
      parts.unshift(need(needed, start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  const found = await readAll(reader, needed);
  return parts.map((keys) => fold(keys, found));
}

/**
 * The nodes that appending `leafHashes` (already SHA-256(0x00 || d)) to a
 * tree of `oldSize` leaves creates: every new leaf and every subtree the
 * append completes. Reads at most one existing node per level. The caller
 * writes them (for the ledger: in the same transaction as the entries).
 */
export async function appendLeaves(
  reader: NodeReader,
  oldSize: number,
  leafHashes: Uint8Array[],
): Promise<StoredNode[]> {
  checkSize('oldSize', oldSize);
  const newSize = oldSize + leafHashes.length;
  const created = new Map<string, StoredNode>();
  leafHashes.forEach((hash, i) =>
    created.set(nodeKeyId({ level: 0, index: oldSize + i }), { level: 0, index: oldSize + i, hash }),
  );

  // Which older nodes the new parents need: left children that existed before the append.
  const needed: Needed = new Map();
  for (let level = 1, width = 2; width <= newSize; level++, width *= 2) {
    for (let index = Math.floor(oldSize / width); (index + 1) * width <= newSize; index++) {
      if ((index + 1) * width <= oldSize) continue;
      const half = width / 2;
      const left = { level: level - 1, index: 2 * index };
      if ((2 * index + 1) * half <= oldSize) needed.set(nodeKeyId(left), left);
    }
  }
  const old = await readAll(reader, needed);
  const hashOf = (key: NodeKey) => created.get(nodeKeyId(key))?.hash ?? old.get(nodeKeyId(key))!;

  for (let level = 1, width = 2; width <= newSize; level++, width *= 2) {
    for (let index = Math.floor(oldSize / width); (index + 1) * width <= newSize; index++) {
      if ((index + 1) * width <= oldSize) continue;
      const hash = nodeHash(
        hashOf({ level: level - 1, index: 2 * index }),
        hashOf({ level: level - 1, index: 2 * index + 1 }),
      );
      created.set(nodeKeyId({ level, index }), { level, index, hash });
    }
  }
  return [...created.values()];
}

/**
 * Builds every node of a tree from its leaf hashes in one pass (bulk loads,
 * tests, benchmarks); O(n) hashes.
 */
export function* buildNodes(leafHashes: Uint8Array[]): Generator<StoredNode> {
  let level = 0;
  let current = leafHashes;
  while (current.length > 0) {
    for (let index = 0; index < current.length; index++) yield { level, index, hash: current[index]! };
    const next: Uint8Array[] = [];
    for (let index = 0; index + 1 < current.length; index += 2)
      next.push(nodeHash(current[index]!, current[index + 1]!));
    current = next;
    level++;
  }
}
