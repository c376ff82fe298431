import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

import { ed25519 } from '@noble/curves/ed25519.js';

import type { InProcessSigner } from '../signing/signer.js';

/**
 * Ed25519 through node:crypto (OpenSSL): several times faster than the pure
 * JavaScript path (see `npm run bench -- protocol`). RFC 8032 strictness is
 * enforced before OpenSSL is asked, so both paths give the same answer:
 * S must be below the group order L and both point encodings canonical.
 */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** Little-endian 32-byte compare: is s < L? */
function scalarIsCanonical(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! < L[i]!) return true;
    if (s[i]! > L[i]!) return false;
  }
  return false;
}

/** A point encoding is canonical when its y (sign bit cleared) is below p = 2^255 - 19. */
function pointIsCanonical(encoded: Uint8Array): boolean {
  // y >= p only when y is in [2^255 - 19, 2^255 - 1]: bytes 1..30 all 0xff, byte 31 (masked) 0x7f, byte 0 >= 0xed.
  for (let i = 1; i < 31; i++) if (encoded[i] !== 0xff) return true;
  if ((encoded[31]! & 0x7f) !== 0x7f) return true;
  return encoded[0]! < 0xed;
}

/**
 * The canonical encodings of the eight points of small order. OpenSSL accepts
 * a small-order R or A (cofactorless equation, no check); @noble/curves in
 * strict mode refuses them, as does libsodium. We refuse them on both paths.
 */
export const SMALL_ORDER_ENCODINGS = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];
const SMALL_ORDER = new Set(SMALL_ORDER_ENCODINGS);

const publicKeys = new Map<string, KeyObject | null>();

/** The key as OpenSSL wants it, or null when it is not a valid strict-RFC-8032 public key (cached: keys are few). */
function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey).toString('base64');
  let key = publicKeys.get(id);
  if (key === undefined) {
    let acceptable = false;
    try {
      acceptable = pointIsCanonical(publicKey) && !ed25519.Point.fromBytes(publicKey).isSmallOrder();
    } catch {
      acceptable = false;
    }
    key = acceptable
      ? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
      : null;
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
}

export function verifyEd25519Node(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const r = signature.subarray(0, 32);
    if (
      !scalarIsCanonical(signature.subarray(32)) ||
      !pointIsCanonical(r) ||
      SMALL_ORDER.has(Buffer.from(r).toString('hex'))
    ) {
      return false;
    }
    const key = publicKeyObject(publicKey);
    return key !== null && verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function privateKeyObject(secretKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** A signer over a 32-byte secret key using node:crypto. */
export function nodeSigner(keyId: string, secretKey: Uint8Array): InProcessSigner {
  const privateKey = privateKeyObject(secretKey);
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const signSync = (message: Uint8Array) => new Uint8Array(sign(null, message, privateKey));
  return { keyId, publicKey, signSync, sign: async (message) => signSync(message) };
}
