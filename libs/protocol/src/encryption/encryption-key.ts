import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { fromBase64, toBase64, toHex } from '../encoding/bytes.js';
import { KEYID_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { DEPARTMENT_PATTERN } from '../identifiers/identifiers.js';

/**
 * A department's encryption key, as the trust bundle is to list it beside
 * its signing keys: an X25519 public key (RFC 7748), raw 32 bytes in
 * standard base64, under a key id. Key releases (HPKE) are sealed to it.
 */
export interface EncryptionKeyEntry {
  keyId: string;
  alg: 'X25519';
  /** 32 bytes, standard base64 with padding. */
  publicKey: string;
  validFrom?: string;
  validUntil?: string;
  revokedAt?: string;
  revocationReason?: string;
}

export interface EncryptionPublicKey {
  keyId: string;
  alg: 'X25519';
  publicKey: Uint8Array;
}

export interface EncryptionKeyPair {
  /** The raw X25519 scalar (32 bytes): stays with the grantee, in its key store. */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

const X25519_BYTES = 32;
const VALIDITY_MEMBERS = ['validFrom', 'validUntil', 'revokedAt', 'revocationReason'] as const;
/** 2^255 − 19, little-endian, for the canonical-encoding check. */
const P = (1n << 255n) - 19n;
/** Any fixed scalar: the ladder only has to run to show the point is not of small order. */
const PROBE_SCALAR = sha256(new TextEncoder().encode('registry-bus/x25519-probe'));

export function generateEncryptionKeyPair(): EncryptionKeyPair {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

/** The public key of a stored private key (to check a configured pair belongs together). */
export function encryptionPublicKeyOf(privateKey: Uint8Array): Uint8Array {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== X25519_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, 'an X25519 private key is 32 bytes', 'privateKey');
  }
  return x25519.getPublicKey(privateKey);
}

/**
 * Refuses what is not a usable X25519 public key: not 32 bytes, a
 * non-canonical encoding (bit 255 set, or u ≥ p: one key, one text), or a
 * point of small order (every shared secret would be zero, RFC 7748 §6.1).
 */
export function checkEncryptionPublicKey(publicKey: Uint8Array, attribute = 'publicKey'): void {
  const fail = (reason: string) => new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, reason, attribute);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== X25519_BYTES) throw fail('an X25519 key is 32 bytes');
  let u = 0n;
  for (let i = X25519_BYTES - 1; i >= 0; i--) u = (u << 8n) | BigInt(publicKey[i]!);
  if (u >= P) throw fail('not the canonical encoding of an X25519 point');
  try {
    x25519.getSharedSecret(PROBE_SCALAR, publicKey);
  } catch {
    throw fail('a point of small order: every shared secret with it is known');
  }
}

/** `<dept>-x25519-<12 hex of SHA-256(public key)>`: an id that names its key, so a bundle cannot list one under another's id. */
export function encryptionKeyId(department: string, publicKey: Uint8Array): string {
  if (!DEPARTMENT_PATTERN.test(department)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${department}' is not a department id`, 'department');
  }
  checkEncryptionPublicKey(publicKey);
  return `${department}-x25519-${toHex(sha256(publicKey)).slice(0, 12)}`;
}

/** The bundle entry of a key (validity members are the bundle's and are added there). */
export function formatEncryptionKey(keyId: string, publicKey: Uint8Array): EncryptionKeyEntry {
  if (!KEYID_PATTERN.test(keyId)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${keyId}' is not a key id`, 'keyId');
  }
  checkEncryptionPublicKey(publicKey);
  return { keyId, alg: 'X25519', publicKey: toBase64(publicKey) };
}

/** Reads one bundle entry; unknown members, another algorithm or an unusable key are refused (BAD_ENCRYPTION_KEY). */
export function parseEncryptionKey(value: unknown, attribute = 'encryptionKeys'): EncryptionPublicKey {
  const fail = (reason: string, member?: string) =>
    new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, reason, member ? `${attribute}.${member}` : attribute);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('must be an encryption key {keyId, alg, publicKey}');
  }
  const { keyId, alg, publicKey, ...rest } = value as Record<string, unknown>;
  for (const [member, item] of Object.entries(rest)) {
    if (!(VALIDITY_MEMBERS as readonly string[]).includes(member)) throw fail(`unknown member '${member}'`);
    if (typeof item !== 'string') throw fail('must be a string', member);
  }
  if (typeof keyId !== 'string' || !KEYID_PATTERN.test(keyId)) throw fail('is not a key id', 'keyId');
  if (alg !== 'X25519') throw fail(`algorithm ${JSON.stringify(alg)} is not X25519`, 'alg');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(typeof publicKey === 'string' ? publicKey : '-');
  } catch {
    throw fail('must be 32 bytes in standard base64', 'publicKey');
  }
  checkEncryptionPublicKey(bytes, `${attribute}.publicKey`);
  return { keyId, alg, publicKey: bytes };
}
