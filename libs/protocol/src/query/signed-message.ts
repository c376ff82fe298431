import { sha256 } from '@noble/hashes/sha2.js';

import { canonicalBytes } from '../canonical/canonicalize.js';
import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { signingMessage, type SignatureDomain } from '../signing/domains.js';
import type { Signer } from '../signing/signer.js';
import { resolveKey, type TrustBundle } from '../trust/trust-bundle.js';

/** A message a department signs that is not a ledger entry: a query, a reply. */
export interface SignedMessage<T> {
  message: T;
  /** The signing department, whose key must have made `sig`. */
  department: string;
  keyid: string;
  sig: string;
}

/** sig = Ed25519(domain ‖ SHA-256(JCS(message))): the same construction as entries, another domain. */
export async function signMessage<T>(
  domain: SignatureDomain,
  message: T,
  department: string,
  signer: Signer,
): Promise<SignedMessage<T>> {
  const digest = sha256(canonicalBytes(message));
  const sig = await signer.sign(signingMessage(domain, digest));
  return { message, department, keyid: signer.keyId, sig: toBase64(sig) };
}

/**
 * Checks that `department` signed `message` under `domain` with a key the
 * trust bundle gives it at `at`. Throws ProtocolError (naming what failed).
 */
export function verifyMessage<T>(
  domain: SignatureDomain,
  signed: SignedMessage<T>,
  bundle: TrustBundle,
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean,
  at: Date = new Date(),
): T {
  const key = resolveKey(bundle, signed.keyid, signed.department, at);
  let sig: Uint8Array;
  try {
    sig = fromBase64(signed.sig);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.BAD_SIGNATURE, 'the signature is not canonical base64', 'sig');
  }
  const digest = sha256(canonicalBytes(signed.message));
  if (!verify(sig, signingMessage(domain, digest), key)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_SIGNATURE,
      `the signature does not verify under '${signed.keyid}'`,
      'sig',
    );
  }
  return signed.message;
}
