import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { fromBase64, toBase64 } from '../encoding/bytes.js';
import {
  encryptionKeyId,
  encryptionPublicKeyOf,
  generateEncryptionKeyPair,
  type EncryptionKeyPair,
} from '../encryption/encryption-key.js';
import { parseStrictJson } from '../json/strict-json.js';
import type { Signer } from '../signing/signer.js';
import { nodeSigner } from './node-ed25519.js';
import { readOwnerOnlyFile } from './owner-only-file.js';

export interface StoredKey {
  keyId: string;
  department: string;
  createdAt: string;
  /** Raw 32-byte Ed25519 secret key, base64. */
  secretKey: string;
}

/**
 * The development signer: an Ed25519 key kept in a file (mode 0600) under
 * `dir`, generated on first use; a key file others may read is refused. Production puts an HSM or KMS behind the
 * same Signer interface; this file never leaves `.local/` (git-ignored).
 */
export function loadOrCreateFileSigner(dir: string, department: string): Signer & { createdAt: string } {
  const file = join(dir, 'signing-key.json');
  let stored: StoredKey;
  if (existsSync(file)) {
    stored = parseStrictJson(readOwnerOnlyFile(file), file) as StoredKey;
    if (stored.department !== department) {
      throw new Error(`${file} holds a key of '${stored.department}', not '${department}'`);
    }
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const createdAt = new Date().toISOString();
    stored = {
      keyId: `${department}-${createdAt.slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`,
      department,
      createdAt,
      secretKey: randomBytes(32).toString('base64'),
    };
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  // Only the port leaves this function: callers cannot come to rely on signing synchronously.
  const key = nodeSigner(stored.keyId, new Uint8Array(Buffer.from(stored.secretKey, 'base64')));
  return { keyId: key.keyId, publicKey: key.publicKey, sign: key.sign, createdAt: stored.createdAt };
}

export interface StoredEncryptionKey {
  keyId: string;
  department: string;
  createdAt: string;
  alg: 'X25519';
  /** Raw 32-byte X25519 private key, base64. */
  privateKey: string;
  /** Its public key, base64 (what the trust bundle lists). */
  publicKey: string;
}

/** A department's X25519 key pair (issue #28) as the apps hold it: what key releases to it are sealed to. */
export interface LoadedEncryptionKey extends EncryptionKeyPair {
  keyId: string;
  department: string;
  createdAt: string;
}

const ENCRYPTION_KEY_FILE = 'encryption-key.json';

/**
 * The department's X25519 key pair in `<dir>/encryption-key.json` (mode
 * 0600, beside its signing key), generated on first use in development.
 * Production keeps it where it keeps the signing key (an HSM or KMS).
 */
export function loadOrCreateEncryptionKeyPair(dir: string, department: string): LoadedEncryptionKey {
  const file = join(dir, ENCRYPTION_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateEncryptionKeyPair();
    const stored: StoredEncryptionKey = {
      keyId: encryptionKeyId(department, pair.publicKey),
      department,
      createdAt: new Date().toISOString(),
      alg: 'X25519',
      privateKey: toBase64(pair.privateKey),
      publicKey: toBase64(pair.publicKey),
    };
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const loaded = loadEncryptionKeyPair(dir);
  if (loaded.department !== department) {
    throw new Error(`${file} holds an encryption key of '${loaded.department}', not '${department}'`);
  }
  return loaded;
}

/**
 * Reads `<dir>/encryption-key.json`, refusing a file others may read, one
 * whose public key is not its private key's, or whose key id does not name
 * its key — each refusal names the file. Not used on the wire yet (issue #28).
 */
export function loadEncryptionKeyPair(dir: string): LoadedEncryptionKey {
  const file = join(dir, ENCRYPTION_KEY_FILE);
  const value = parseStrictJson(readOwnerOnlyFile(file), file) as Partial<StoredEncryptionKey> | null;
  const fail = (reason: string): never => {
    throw new Error(`${file}: ${reason}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not an encryption key');
  const { keyId, department, createdAt, alg, privateKey, publicKey } = value;
  if (alg !== 'X25519') fail(`algorithm ${JSON.stringify(alg)} is not X25519`);
  if (typeof department !== 'string' || typeof keyId !== 'string' || typeof createdAt !== 'string') {
    fail('needs keyId, department and createdAt');
  }
  let secret: Uint8Array;
  let pub: Uint8Array;
  try {
    secret = fromBase64(String(privateKey));
    pub = fromBase64(String(publicKey));
  } catch {
    return fail('privateKey and publicKey must be standard base64');
  }
  let derived: Uint8Array;
  try {
    derived = encryptionPublicKeyOf(secret);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (toBase64(derived) !== toBase64(pub)) fail('its publicKey is not the public key of its privateKey');
  if (keyId !== encryptionKeyId(department!, pub)) fail(`key id '${keyId}' does not name its key`);
  return { keyId: keyId!, department: department!, createdAt: createdAt!, privateKey: secret, publicKey: pub };
}
