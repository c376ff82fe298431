import fc from 'fast-check';

import { leafHash } from '../hashing/hashing.js';
import { consistencyProof, inclusionProof, rootFromLeafHashes, rootFromLeaves } from '../proofs/reference.js';
import { verifyConsistency, verifyInclusion } from '../proofs/verify.js';
import { InMemoryNodeStore } from './node-store.js';
import { RootAccumulator } from './root-accumulator.js';
import { appendLeaves, buildNodes, consistencyProofAt, inclusionProofAt, rootAt } from './stored-tree.js';

const leaves = (n: number, salt = 0) =>
  Array.from({ length: n }, (_, i) => Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255, salt));

async function storeWith(data: Uint8Array[], chunks: number[]): Promise<InMemoryNodeStore> {
  const sut = new InMemoryNodeStore();
  let size = 0;
  for (const chunk of chunks) {
    const slice = data.slice(size, size + chunk).map(leafHash);
    await sut.putNodes(await appendLeaves(sut, size, slice));
    size += slice.length;
  }
  return sut;
}

describe('stored tree', () => {
  const data = leaves(70);
  let sut: InMemoryNodeStore;

  beforeAll(async () => {
    sut = await storeWith(data, [1, 2, 3, 5, 8, 13, 21, 17]);
  });

  it('gives the same root as rootFromLeaves at every past size', async () => {
    for (let size = 0; size <= data.length; size++) {
      expect(await rootAt(sut, size)).toEqual(rootFromLeaves(data.slice(0, size)));
    }
  });

  it('gives the same inclusion proofs as inclusionProof', async () => {
    for (const size of [1, 2, 3, 7, 8, 9, 31, 32, 33, 64, 70]) {
      for (let index = 0; index < size; index++) {
        expect(await inclusionProofAt(sut, index, size)).toEqual(inclusionProof(data.slice(0, size), index));
      }
    }
  });

  it('gives the same consistency proofs as consistencyProof', async () => {
    for (const newSize of [1, 5, 8, 13, 32, 33, 70]) {
      for (let oldSize = 0; oldSize <= newSize; oldSize++) {
        expect(await consistencyProofAt(sut, oldSize, newSize)).toEqual(
          consistencyProof(data.slice(0, newSize), oldSize),
        );
      }
    }
  });

  it('appends the same tree however the leaves are grouped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), async (chunks) => {
        const total = chunks.reduce((a, b) => a + b, 0);
        const store = await storeWith(leaves(total, 7), chunks);
        expect(await rootAt(store, total)).toEqual(rootFromLeaves(leaves(total, 7)));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a proof for a leaf beyond the tree', async () => {
    await expect(inclusionProofAt(sut, 70, 70)).rejects.toThrow(RangeError);
    await expect(consistencyProofAt(sut, 71, 70)).rejects.toThrow(RangeError);
  });

  it('names a missing node instead of computing a wrong root', async () => {
    await expect(rootAt(new InMemoryNodeStore(), 3)).rejects.toThrow(/missing/);
  });

  it('the accumulator gives the root of the leaves pushed so far', () => {
    const accumulator = new RootAccumulator();
    const hashes = data.map(leafHash);
    expect(accumulator.root()).toEqual(rootFromLeafHashes([]));
    hashes.forEach((hash, i) => {
      accumulator.push(hash);
      expect(accumulator.root()).toEqual(rootFromLeafHashes(hashes.slice(0, i + 1)));
    });
  });
});

describe('stored tree at 10^6 leaves', () => {
  const n = 1_000_000;
  const store = new InMemoryNodeStore();
  const hashes: Uint8Array[] = [];

  beforeAll(() => {
    for (let i = 0; i < n; i++) hashes.push(leafHash(Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255)));
    store.load(buildNodes(hashes));
  });

  const bound = (size: number) => 3 * Math.ceil(Math.log2(size)) + 3;

  it('reads O(log n) nodes, in one call, for a root, an inclusion proof and a consistency proof', async () => {
    store.resetCounters();
    const root = await rootAt(store, n);
    expect(store.reads).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
    expect(store.readCalls).toBe(1);

    for (const index of [0, 1, 777_777, n - 1]) {
      store.resetCounters();
      const proof = await inclusionProofAt(store, index, n);
      expect(store.reads).toBeLessThanOrEqual(bound(n));
      expect(store.readCalls).toBe(1);
      expect(verifyInclusion(hashes[index]!, index, n, proof, root)).toBe(true);
    }

    for (const oldSize of [1, 524_287, 999_999]) {
      store.resetCounters();
      const proof = await consistencyProofAt(store, oldSize, n);
      expect(store.reads).toBeLessThanOrEqual(bound(n));
      expect(verifyConsistency(oldSize, n, await rootAt(store, oldSize), root, proof)).toBe(true);
    }
  });

  it('an append writes and reads O(log n) nodes', async () => {
    store.resetCounters();
    const created = await appendLeaves(store, n, [leafHash(Uint8Array.of(1, 2, 3, 4))]);
    expect(created.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n + 1)) + 1);
    expect(store.reads).toBeLessThanOrEqual(Math.ceil(Math.log2(n + 1)));
    await store.putNodes(created);
    expect(await rootAt(store, n + 1)).toEqual(rootFromLeafHashes([...hashes, leafHash(Uint8Array.of(1, 2, 3, 4))]));
  });
});
