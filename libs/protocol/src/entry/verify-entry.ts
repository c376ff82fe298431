import { envelopeHash } from './seal-entry.js';
import { equalBytes, fromBase64, fromHex } from '../encoding/bytes.js';
import type { SignedEnvelope } from '../envelope/envelope.js';
import { departmentOfSource } from '../identifiers/identifiers.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { SignatureDomain, signingMessage } from '../signing/domains.js';
import { verifyEd25519 } from '../signing/ed25519.js';
import { findKey, keyProblemAt, bundlePublicKey, type TrustBundle, type TrustedKey } from '../trust/trust-bundle.js';

export type SignatureVerifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

export interface VerifiedEnvelope {
  envelope: SignedEnvelope;
  canonical: Uint8Array;
  hash: Uint8Array;
  sig: Uint8Array;
}

/**
 * Recomputes `hash` from the envelope's attributes and verifies `sig` with
 * the key the trust bundle gives for `keyid`, which must belong to the
 * envelope's department and be valid at the envelope's `time`.
 * Throws ProtocolError (HASH_MISMATCH, UNKNOWN_KEY, KEY_REVOKED, ..., BAD_SIGNATURE).
 *
 * The claimed time decides here: right for the owner's own ledger and its
 * recovery, which trust their own clock's entries. A follower judges the
 * key at its receipt instead (`verifyEnvelopeSignature` and key-time.ts).
 */
export function verifyEnvelope(
  envelope: SignedEnvelope,
  bundle: TrustBundle,
  verify: SignatureVerifier = verifyEd25519,
): VerifiedEnvelope {
  return checkSignature(envelope, bundle, verify, new Date(envelope.time));
}

/**
 * The same checks but the key's validity: the hash, a key of the envelope's
 * department, the signature. Returns the bundle's key so that the caller
 * judges when it was valid (a follower at its receipt: key-time.ts).
 */
export function verifyEnvelopeSignature(
  envelope: SignedEnvelope,
  bundle: TrustBundle,
  verify: SignatureVerifier = verifyEd25519,
): VerifiedEnvelope & { key: TrustedKey } {
  return checkSignature(envelope, bundle, verify, undefined);
}

function checkSignature(
  envelope: SignedEnvelope,
  bundle: TrustBundle,
  verify: SignatureVerifier,
  keyAt: Date | undefined,
): VerifiedEnvelope & { key: TrustedKey } {
  const { canonical, hash } = envelopeHash(envelope);
  if (!equalBytes(hash, fromHex(envelope.hash))) {
    throw new ProtocolError(
      ProtocolErrorCode.HASH_MISMATCH,
      'the attributes do not hash to the stated hash: the envelope was changed',
      'hash',
    );
  }
  const department = departmentOfSource(envelope.source)!;
  const key = findKey(bundle, envelope.keyid, department);
  const problem = keyAt ? keyProblemAt(key, keyAt) : undefined;
  if (problem) throw problem;
  const publicKey = bundlePublicKey(key);
  const sig = fromBase64(envelope.sig);
  if (!verify(sig, signingMessage(SignatureDomain.ENTRY, hash), publicKey)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_SIGNATURE,
      `the signature does not verify with key '${envelope.keyid}'`,
      'sig',
    );
  }
  return { envelope, canonical, hash, sig, key };
}
