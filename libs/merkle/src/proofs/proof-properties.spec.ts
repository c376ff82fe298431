import fc from 'fast-check';

import { leafHash, nodeHash } from '../hashing/hashing.js';
import { consistencyProof, inclusionProof, rootFromLeaves } from './reference.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const leavesArb = (min: number, max: number) =>
  fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: min, maxLength: max });

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

describe('proof properties', () => {
  it('every inclusion proof of every leaf verifies', () => {
    fc.assert(
      fc.property(leavesArb(1, 40), (leaves) => {
        const root = rootFromLeaves(leaves);
        leaves.forEach((leaf, index) => {
          expect(verifyInclusion(leafHash(leaf), index, leaves.length, inclusionProof(leaves, index), root)).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('every consistency proof between any two sizes verifies', () => {
    fc.assert(
      fc.property(leavesArb(1, 40), fc.nat(), (leaves, pick) => {
        const oldSize = pick % (leaves.length + 1);
        const proof = consistencyProof(leaves, oldSize);
        expect(
          verifyConsistency(
            oldSize,
            leaves.length,
            rootFromLeaves(leaves.slice(0, oldSize)),
            rootFromLeaves(leaves),
            proof,
          ),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a flipped bit in the proof, leaf or root, a wrong index or a wrong size fails inclusion', () => {
    fc.assert(
      fc.property(leavesArb(2, 40), fc.nat(), fc.nat({ max: 255 }), (leaves, pick, bit) => {
        const index = pick % leaves.length;
        const root = rootFromLeaves(leaves);
        const proof = inclusionProof(leaves, index);
        const leaf = leafHash(leaves[index]!);
        const position = pick % proof.length;
        const tampered = proof.map((hash, i) => (i === position ? flipBit(hash, bit) : hash));
        expect(verifyInclusion(leaf, index, leaves.length, tampered, root)).toBe(false);
        expect(verifyInclusion(flipBit(leaf, bit), index, leaves.length, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, leaves.length, proof, flipBit(root, bit))).toBe(false);
        const otherIndex = (index + 1 + (pick % (leaves.length - 1))) % leaves.length;
        if (leafHash(leaves[otherIndex]!).some((byte, i) => byte !== leaf[i])) {
          expect(verifyInclusion(leaf, otherIndex, leaves.length, proof, root)).toBe(false);
        }
        // A size whose tree has another depth (same depth with identical leaves can be indistinguishable).
        expect(verifyInclusion(leaf, index, leaves.length * 2, proof, root)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a flipped bit or a wrong size fails consistency', () => {
    fc.assert(
      fc.property(leavesArb(3, 40), fc.nat(), fc.nat({ max: 255 }), (leaves, pick, bit) => {
        const oldSize = 1 + (pick % (leaves.length - 1));
        const oldRoot = rootFromLeaves(leaves.slice(0, oldSize));
        const newRoot = rootFromLeaves(leaves);
        const proof = consistencyProof(leaves, oldSize);
        const position = pick % proof.length;
        const tampered = proof.map((hash, i) => (i === position ? flipBit(hash, bit) : hash));
        expect(verifyConsistency(oldSize, leaves.length, oldRoot, newRoot, tampered)).toBe(false);
        expect(verifyConsistency(oldSize, leaves.length, flipBit(oldRoot, bit), newRoot, proof)).toBe(false);
        expect(verifyConsistency(oldSize, leaves.length, oldRoot, flipBit(newRoot, bit), proof)).toBe(false);
        expect(verifyConsistency(oldSize, leaves.length * 2, oldRoot, newRoot, proof)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('the split follows RFC 6962: the root of 3 leaves is H(H(a, b), c)', () => {
    const [a, b, c] = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)].map(leafHash) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    expect(rootFromLeaves([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)])).toEqual(nodeHash(nodeHash(a, b), c));
  });
});
