import { publicKeyOf, signEd25519 } from './ed25519.js';

/** An Ed25519 signature: 64 bytes. */
export type Signature = Uint8Array;

/**
 * The signing port: who signs, and an asynchronous `sign`, so that an HSM
 * (PKCS#11) or a cloud KMS can stand in for the file-based signer of
 * development. Everything that signs in production (entries, heads,
 * anchors, cosignatures, queries, mirror requests, trust bundles) takes this.
 */
export interface Signer {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Signature>;
}

/**
 * A signer whose key is in this process (tests, benches, browser tools): it
 * can also sign synchronously, for fixtures that seal entries without awaiting.
 * Production code takes a `Signer`, never this.
 */
export interface InProcessSigner extends Signer {
  signSync(message: Uint8Array): Signature;
}

/** An in-memory signer over a raw 32-byte Ed25519 secret key (tests, browser tools). */
export function memorySigner(keyId: string, secretKey: Uint8Array): InProcessSigner {
  const publicKey = publicKeyOf(secretKey);
  const signSync = (message: Uint8Array) => signEd25519(message, secretKey);
  return { keyId, publicKey, signSync, sign: async (message) => signSync(message) };
}
