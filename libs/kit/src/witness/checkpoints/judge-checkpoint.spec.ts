import { EMPTY_ROOT, consistencyProof, rootFromLeaves } from '@registry-bus/merkle';

import { judgeCheckpoint } from './judge-checkpoint.js';

const leaves = Array.from({ length: 12 }, (_, i) => new TextEncoder().encode(`entry ${i + 1}`));
const rewritten = leaves.map((leaf, i) => (i === 2 ? new TextEncoder().encode('entry 3, rewritten') : leaf));
const tree = (n: number, of = leaves) => ({ size: n, rootHash: rootFromLeaves(of.slice(0, n)) });
const state = (n: number, of = leaves) => ({ size: n, root: rootFromLeaves(of.slice(0, n)) });

describe('judgeCheckpoint (c2sp.org/tlog-witness add-checkpoint)', () => {
  it('cosigns an extension proved consistent with the state, and says the state moves', () => {
    expect(
      judgeCheckpoint(state(5), { oldSize: 5, proof: consistencyProof(leaves.slice(0, 12), 5) }, tree(12)),
    ).toEqual({
      kind: 'cosign',
      advances: true,
    });
  });

  it('cosigns from size 0 with an empty proof only', () => {
    const empty = { size: 0, root: EMPTY_ROOT };
    expect(judgeCheckpoint(empty, { oldSize: 0, proof: [] }, tree(3))).toEqual({ kind: 'cosign', advances: true });
    expect(judgeCheckpoint(empty, { oldSize: 0, proof: [EMPTY_ROOT] }, tree(3))).toMatchObject({ kind: 'bad-proof' });
  });

  it('cosigns its own size again with the same root, without moving', () => {
    expect(judgeCheckpoint(state(7), { oldSize: 7, proof: [] }, tree(7))).toEqual({ kind: 'cosign', advances: false });
  });

  it('refuses a proof of a rewritten chain (422), even one that proves the rewritten tree to itself', () => {
    const proof = consistencyProof(rewritten.slice(0, 12), 5);
    expect(judgeCheckpoint(state(5), { oldSize: 5, proof }, tree(12, rewritten))).toEqual({
      kind: 'bad-proof',
      reason: 'the proof does not show size 12 extends the cosigned size 5',
    });
    expect(judgeCheckpoint(state(5), { oldSize: 5, proof: [] }, tree(12))).toMatchObject({ kind: 'bad-proof' });
  });

  it('answers its own size (409) to a sender that names another old size', () => {
    expect(judgeCheckpoint(state(5), { oldSize: 0, proof: [] }, tree(12))).toEqual({
      kind: 'size-mismatch',
      size: 5,
      fork: false,
    });
    expect(judgeCheckpoint(state(5), { oldSize: 8, proof: [] }, tree(12))).toMatchObject({ size: 5, fork: false });
  });

  it('takes its own size with another root for a fork, whatever old size is named', () => {
    expect(judgeCheckpoint(state(5), { oldSize: 5, proof: [] }, tree(5, rewritten))).toEqual({
      kind: 'size-mismatch',
      size: 5,
      fork: true,
    });
    expect(judgeCheckpoint(state(5), { oldSize: 0, proof: [] }, tree(5, rewritten))).toMatchObject({ fork: true });
  });

  it('refuses an old size beyond the checkpoint (400) and never goes back to a smaller tree', () => {
    expect(judgeCheckpoint(state(5), { oldSize: 9, proof: [] }, tree(6))).toEqual({ kind: 'old-after-new' });
    expect(judgeCheckpoint(state(8), { oldSize: 3, proof: [] }, tree(3))).toEqual({
      kind: 'size-mismatch',
      size: 8,
      fork: false,
    });
  });

  it('a follower refuses a consistent extension its own copy contradicts (422), and judges a fork as one first', () => {
    const fabricated = leaves.map((leaf, i) => (i === 11 ? new TextEncoder().encode('never published') : leaf));
    const request = { oldSize: 5, proof: consistencyProof(fabricated, 5) };
    // Consistent with what was cosigned: a witness without data cosigns it…
    expect(judgeCheckpoint(state(5), request, tree(12, fabricated))).toEqual({ kind: 'cosign', advances: true });
    // …a follower whose copy has the real entries at that size does not; with the same root it cosigns.
    expect(judgeCheckpoint(state(5), request, tree(12, fabricated), tree(12).rootHash)).toEqual({
      kind: 'unsupported',
    });
    expect(
      judgeCheckpoint(state(5), { oldSize: 5, proof: consistencyProof(leaves, 5) }, tree(12), tree(12).rootHash),
    ).toEqual({ kind: 'cosign', advances: true });
    // Another root at the witness's own size stays a fork (409), whatever its copy says.
    expect(judgeCheckpoint(state(12), { oldSize: 12, proof: [] }, tree(12, fabricated), tree(12).rootHash)).toEqual({
      kind: 'size-mismatch',
      size: 12,
      fork: true,
    });
  });
});
