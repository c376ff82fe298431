// `npm run bench -- merkle`: RFC 6962 tree figures beside bare SHA-256 loops (the floor).
import { createHash } from 'node:crypto';

import { sha256 } from '@noble/hashes/sha2.js';
import {
  InMemoryNodeStore,
  RootAccumulator,
  appendLeaves,
  buildNodes,
  consistencyProofAt,
  inclusionProofAt,
  leafHash,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '@registry-bus/merkle';
import { compare, measure, type BenchRow } from '@registry-bus/testing';

export default async function merkleBench(): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const n = 1_000_000;
  const leaves = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255, 0x5a));

  // A root of n leaves costs n leaf hashes and n - 1 node hashes.
  const calls = 2 * n - 1;
  const nobleFloor = await measure('bare SHA-256 (@noble/hashes), 2n-1 calls', calls, () => {
    const input = new Uint8Array(65);
    for (let i = 0; i < calls; i++) sha256(input);
  });
  const nodeFloor = await measure('bare SHA-256 (node:crypto), 2n-1 calls', calls, () => {
    const input = new Uint8Array(65);
    for (let i = 0; i < calls; i++) createHash('sha256').update(input).digest();
  });

  let leafHashes: Uint8Array[] = [];
  const root = compare(
    await measure('root of 10^6 leaves (hash calls/s)', calls, () => {
      leafHashes = leaves.map(leafHash);
      const accumulator = new RootAccumulator();
      for (const hash of leafHashes) accumulator.push(hash);
      accumulator.root();
    }),
    nobleFloor,
  );

  const appendStore = new InMemoryNodeStore();
  const appends = 100_000;
  const append = compare(
    await measure('appends into the stored tree (leaves/s)', appends, async () => {
      for (let i = 0; i < appends; i++)
        await appendStore.putNodes(await appendLeaves(appendStore, i, [leafHashes[i]!]));
    }),
    nobleFloor,
  );

  const store = new InMemoryNodeStore();
  store.load(buildNodes(leafHashes));
  const rootHash = await rootAt(store, n);
  const proofs = 20_000;
  const inclusionRow = await measure('inclusion proofs at 10^6 from storage', proofs, async () => {
    for (let i = 0; i < proofs; i++) await inclusionProofAt(store, (i * 7919) % n, n);
  });
  const consistencyRow = await measure('consistency proofs at 10^6 from storage', proofs, async () => {
    for (let i = 0; i < proofs; i++) await consistencyProofAt(store, 1 + ((i * 7919) % (n - 1)), n);
  });
  const sample = await inclusionProofAt(store, 777_777, n);
  const verifyRow = await measure('inclusion verifications at 10^6', proofs, () => {
    for (let i = 0; i < proofs; i++) verifyInclusion(leafHashes[777_777]!, 777_777, n, sample, rootHash);
  });
  const consistencySample = await consistencyProofAt(store, 524_287, n);
  const oldRoot = await rootAt(store, 524_287);
  const verifyConsistencyRow = await measure('consistency verifications at 10^6', proofs, () => {
    for (let i = 0; i < proofs; i++) verifyConsistency(524_287, n, oldRoot, rootHash, consistencySample);
  });

  return {
    rows: [
      nobleFloor,
      compare(nodeFloor, nobleFloor),
      root,
      append,
      inclusionRow,
      consistencyRow,
      verifyRow,
      verifyConsistencyRow,
    ],
    extra: {
      note: 'ratios of hashing rows are against the bare @noble/hashes loop; proof rows read O(log n) nodes from an in-memory store',
      proofLength: sample.length,
    },
  };
}
