import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
