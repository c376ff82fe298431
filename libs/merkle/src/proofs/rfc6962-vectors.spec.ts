import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

import { EMPTY_ROOT, leafHash } from '../hashing/hashing.js';
import { consistencyProof, inclusionProof, rootFromLeaves } from './reference.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

/**
 * The RFC 6962 reference tree published by the Certificate Transparency
 * project (C++ merkle_tree_test.cc) and carried by transparency-dev/merkle,
 * proof/verify_test.go (`leaves`, `roots`, `inclusionProofs`,
 * `consistencyProofs`). Their inclusion vectors number leaves from 1.
 */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  hexToBytes,
);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: Array<[leaf: number, size: number, proof: string[]]> = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    2,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: Array<[size1: number, size2: number, proof: string[]]> = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];
const root = (size: number) => hexToBytes(ROOTS[size - 1]!);

describe('RFC 6962 reference vectors', () => {
  it('gives SHA-256("") for the empty tree', () => {
    expect(bytesToHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootFromLeaves([])).toEqual(EMPTY_ROOT);
  });

  it.each(ROOTS.map((hex, i) => [i + 1, hex]))('gives the published root of the first %i leaves', (size, hex) => {
    expect(bytesToHex(rootFromLeaves(LEAVES.slice(0, size as number)))).toBe(hex);
  });

  it.each(INCLUSION)('gives the published inclusion proof of leaf %i in a tree of %i', (leaf, size, proof) => {
    const sut = inclusionProof(LEAVES.slice(0, size), leaf - 1);
    expect(sut.map(bytesToHex)).toEqual(proof);
    expect(verifyInclusion(leafHash(LEAVES[leaf - 1]!), leaf - 1, size, proof.map(hexToBytes), root(size))).toBe(true);
  });

  it.each(CONSISTENCY)('gives the published consistency proof from %i to %i', (size1, size2, proof) => {
    const sut = consistencyProof(LEAVES.slice(0, size2), size1);
    expect(sut.map(bytesToHex)).toEqual(proof);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), proof.map(hexToBytes))).toBe(true);
  });
});

describe('verifier edges (transparency-dev/merkle semantics)', () => {
  const some = root(3);
  const other = root(5);

  it('every tree extends the empty tree with an empty proof, and not with a non-empty one', () => {
    expect(verifyConsistency(0, 5, some, other, [])).toBe(true);
    expect(verifyConsistency(0, 0, some, some, [])).toBe(true);
    expect(verifyConsistency(0, 5, some, other, [some])).toBe(false);
  });

  it('equal sizes need an empty proof and equal roots', () => {
    expect(verifyConsistency(4, 4, some, some, [])).toBe(true);
    expect(verifyConsistency(4, 4, some, other, [])).toBe(false);
    expect(verifyConsistency(4, 4, some, some, [some])).toBe(false);
  });

  it('refuses time travel, an empty proof between different sizes, and hashes that are not 32 bytes', () => {
    expect(verifyConsistency(2, 1, some, other, [])).toBe(false);
    expect(verifyConsistency(1, 2, some, other, [])).toBe(false);
    expect(verifyConsistency(1, 8, root(1), root(8), [new Uint8Array(31)])).toBe(false);
    expect(verifyInclusion(new Uint8Array(31), 0, 1, [], new Uint8Array(31))).toBe(false);
  });

  it('never throws on malformed input', () => {
    const junk: unknown[] = [undefined, null, -1, 1.5, NaN, 2 ** 60, 'x', {}, [1, 2], [new Uint8Array(32), 'x']];
    for (const value of junk) {
      expect(verifyInclusion(value as Uint8Array, value as number, 8, value as Uint8Array[], root(8))).toBe(false);
      expect(verifyConsistency(value as number, 8, root(1), root(8), value as Uint8Array[])).toBe(false);
    }
    expect(verifyInclusion(leafHash(LEAVES[0]!), 8, 8, [], root(8))).toBe(false);
  });
});
