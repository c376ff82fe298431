import { publicKeyOf, signEd25519 } from './ed25519.js';

/**
 * Who signs. A small interface so that an HSM or a cloud KMS can stand in
 * for the file-based signer of development. `signSync` is offered by
 * in-process signers; the ledger uses it when present to seal a batch
 * without a round trip per entry, and `sign` otherwise.
 */
export interface Signer {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
  signSync?(message: Uint8Array): Uint8Array;
}

/** An in-memory signer over a raw 32-byte Ed25519 secret key (tests, browser tools). */
export function memorySigner(keyId: string, secretKey: Uint8Array): Signer {
  const publicKey = publicKeyOf(secretKey);
  const signSync = (message: Uint8Array) => signEd25519(message, secretKey);
  return { keyId, publicKey, signSync, sign: async (message) => signSync(message) };
}
