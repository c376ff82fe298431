import { ed25519 } from '@noble/curves/ed25519.js';

import { fromHex, toHex } from '../encoding/bytes.js';
import { SMALL_ORDER_ENCODINGS, nodeSigner, verifyEd25519Node } from '../node/node-ed25519.js';
import { publicKeyOf, signEd25519, verifyEd25519 } from './ed25519.js';

/** RFC 8032 §7.1, TEST 1, TEST 2, TEST 3 (Ed25519). */
const RFC8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const toLittleEndian = (value: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
const fromLittleEndian = (bytes: Uint8Array) => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

describe('Ed25519, both implementations', () => {
  it.each(RFC8032)('signs and verifies RFC 8032 §7.1 vector with public key $public', (vector) => {
    const secret = fromHex(vector.secret);
    const message = fromHex(vector.message);
    expect(toHex(publicKeyOf(secret))).toBe(vector.public);
    expect(toHex(signEd25519(message, secret))).toBe(vector.signature);
    const sut = nodeSigner('k', secret);
    expect(toHex(sut.signSync!(message))).toBe(vector.signature);
    expect(toHex(sut.publicKey)).toBe(vector.public);
    expect(verifyEd25519(fromHex(vector.signature), message, fromHex(vector.public))).toBe(true);
    expect(verifyEd25519Node(fromHex(vector.signature), message, fromHex(vector.public))).toBe(true);
  });

  // Wycheproof-style edge cases, built from the RFC vectors: both paths must refuse each.
  const vector = RFC8032[1]!;
  const message = fromHex(vector.message);
  const publicKey = fromHex(vector.public);
  const signature = fromHex(vector.signature);
  const withS = (s: bigint) => Uint8Array.from([...signature.subarray(0, 32), ...toLittleEndian(s)]);
  const flip = (bytes: Uint8Array, index: number) => bytes.map((byte, i) => (i === index ? byte ^ 1 : byte));
  const nonCanonicalY = (y: bigint) => toLittleEndian(y);
  const P = 2n ** 255n - 19n;
  const identity = fromHex(SMALL_ORDER_ENCODINGS[0]!);
  const trivial = Uint8Array.from([...identity, ...new Uint8Array(32)]);

  const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array]> = [
    ['S + L (malleated scalar)', withS(fromLittleEndian(signature.subarray(32)) + L), message, publicKey],
    ['S = L', withS(L), message, publicKey],
    ['S with the top bits set', withS(2n ** 255n + 1n), message, publicKey],
    [
      'R with a non-canonical y (y = p + 1)',
      Uint8Array.from([...nonCanonicalY(P + 1n), ...signature.subarray(32)]),
      message,
      publicKey,
    ],
    ['A with a non-canonical y (y = p + 1)', signature, message, nonCanonicalY(P + 1n)],
    ['small-order A with a trivial signature', trivial, message, identity],
    [
      'small-order R',
      Uint8Array.from([...fromHex(SMALL_ORDER_ENCODINGS[4]!), ...signature.subarray(32)]),
      message,
      publicKey,
    ],
    ['a flipped bit in R', flip(signature, 3), message, publicKey],
    ['a flipped bit in S', flip(signature, 40), message, publicKey],
    ['a flipped bit in the message', signature, flip(message, 0), publicKey],
    ['a flipped bit in the key', signature, message, flip(publicKey, 5)],
    ['a short signature', signature.subarray(0, 63), message, publicKey],
    ['a short key', signature, message, publicKey.subarray(0, 31)],
  ];

  it.each(cases)('both refuse %s', (_name, sig, msg, key) => {
    expect(verifyEd25519(sig, msg, key)).toBe(false);
    expect(verifyEd25519Node(sig, msg, key)).toBe(false);
  });

  it('the small-order list holds the eight points of small order', () => {
    expect(new Set(SMALL_ORDER_ENCODINGS).size).toBe(8);
    for (const hex of SMALL_ORDER_ENCODINGS) expect(ed25519.Point.fromBytes(fromHex(hex)).isSmallOrder()).toBe(true);
  });

  it('both agree on random signatures and their corruptions', () => {
    for (let i = 0; i < 50; i++) {
      const secret = ed25519.utils.randomSecretKey();
      const msg = globalThis.crypto.getRandomValues(new Uint8Array(i));
      const sig = signEd25519(msg, secret);
      const key = publicKeyOf(secret);
      expect(verifyEd25519Node(sig, msg, key)).toBe(true);
      const corrupted = flip(sig, i % 64);
      expect(verifyEd25519Node(corrupted, msg, key)).toBe(verifyEd25519(corrupted, msg, key));
    }
  });
});
