import { fromHex, toBase64 } from '../encoding/bytes.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  checkEncryptionPublicKey,
  encryptionKeyId,
  encryptionPublicKeyOf,
  formatEncryptionKey,
  generateEncryptionKeyPair,
  parseEncryptionKey,
} from './encryption-key.js';

/** RFC 9180 A.1's recipient key: a public key someone else computed. */
const PK_RM = fromHex('3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d');

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof ProtocolError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

function littleEndian(u: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return out;
}

const P = (1n << 255n) - 19n;

describe('encryption keys (X25519) for the trust bundle', () => {
  it('generates a pair whose public key is the X25519 image of its private key', () => {
    const sut = generateEncryptionKeyPair();
    expect(sut.privateKey.length).toBe(32);
    expect(encryptionPublicKeyOf(sut.privateKey)).toEqual(sut.publicKey);
  });

  it('names a key by its department and fingerprint', () => {
    expect(encryptionKeyId('land', PK_RM)).toBe('land-x25519-8b228cd75ab7');
  });

  it('writes and reads the bundle entry {keyId, alg: X25519, publicKey: base64}', () => {
    const entry = formatEncryptionKey('land-x25519-8b228cd75ab7', PK_RM);
    expect(entry).toEqual({
      keyId: 'land-x25519-8b228cd75ab7',
      alg: 'X25519',
      publicKey: 'OUjP4K0d22ldeA5ZB3GV2mxWUGsCcyl5SrAryoCBXE0=',
    });
    expect(parseEncryptionKey(entry)).toEqual({ keyId: 'land-x25519-8b228cd75ab7', alg: 'X25519', publicKey: PK_RM });
  });

  it('reads an entry with the validity members signing keys have', () => {
    const entry = {
      ...formatEncryptionKey('land-enc-1', PK_RM),
      validFrom: '2026-01-01T00:00:00.000Z',
      revokedAt: '2026-06-01T00:00:00.000Z',
      revocationReason: 'rotated',
    };
    expect(parseEncryptionKey(entry).publicKey).toEqual(PK_RM);
  });

  it.each([
    ['not an object', 'x', 'encryptionKeys: must be an encryption key {keyId, alg, publicKey}'],
    [
      'an unknown member',
      { keyId: 'k', alg: 'X25519', publicKey: toBase64(PK_RM), use: 'enc' },
      "encryptionKeys: unknown member 'use'",
    ],
    [
      'a validity member that is not a string',
      { keyId: 'k', alg: 'X25519', publicKey: toBase64(PK_RM), validFrom: 1 },
      'encryptionKeys.validFrom: must be a string',
    ],
    [
      'a bad key id',
      { keyId: '-k', alg: 'X25519', publicKey: toBase64(PK_RM) },
      'encryptionKeys.keyId: is not a key id',
    ],
    [
      'another algorithm',
      { keyId: 'k', alg: 'Ed25519', publicKey: toBase64(PK_RM) },
      'encryptionKeys.alg: algorithm "Ed25519" is not X25519',
    ],
    [
      'base64url instead of base64',
      { keyId: 'k', alg: 'X25519', publicKey: 'OUjP4K0d22ldeA5ZB3GV2mxWUGsCcyl5SrAryoCBXE0' },
      'encryptionKeys.publicKey: must be 32 bytes in standard base64',
    ],
    [
      '31 bytes',
      { keyId: 'k', alg: 'X25519', publicKey: toBase64(PK_RM.subarray(1)) },
      'encryptionKeys.publicKey: an X25519 key is 32 bytes',
    ],
  ] as Array<[string, unknown, string]>)('refuses %s', (_name, entry, reason) => {
    expect(refusal(() => parseEncryptionKey(entry))).toBe(`PROTOCOL.BAD_ENCRYPTION_KEY: ${reason}`);
  });

  it.each([
    ['0', 0n],
    ['1', 1n],
    ['p − 1', P - 1n],
    ['a point of order 8', 325606250916557431795983626356110631294008115727848805560023387167927233504n],
    ['the other point of order 8', 39382357235489614581723060781553021112529911719440698176882885853963445705823n],
  ])('refuses the small-order point u = %s', (_name, u) => {
    expect(refusal(() => checkEncryptionPublicKey(littleEndian(u)))).toBe(
      'PROTOCOL.BAD_ENCRYPTION_KEY: publicKey: a point of small order: every shared secret with it is known',
    );
  });

  it.each([
    ['u = p', littleEndian(P)],
    [
      'bit 255 set',
      (() => {
        const bytes = new Uint8Array(PK_RM);
        bytes[31]! |= 0x80;
        return bytes;
      })(),
    ],
  ])('refuses a non-canonical encoding: %s', (_name, bytes) => {
    expect(refusal(() => checkEncryptionPublicKey(bytes))).toBe(
      'PROTOCOL.BAD_ENCRYPTION_KEY: publicKey: not the canonical encoding of an X25519 point',
    );
  });
});
