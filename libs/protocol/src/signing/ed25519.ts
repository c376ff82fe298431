import { ed25519 } from '@noble/curves/ed25519.js';

/**
 * Ed25519 (RFC 8032) with @noble/curves — the browser-safe path. Verification
 * is strict RFC 8032 (`zip215: false`): non-canonical point encodings and
 * S ≥ L are refused. Never throws.
 */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export function signEd25519(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

export function generateSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}
