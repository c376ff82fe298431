import { envelopeHash } from './seal-entry.js';
import { equalBytes, fromBase64, fromHex } from '../encoding/bytes.js';
import type { SignedEnvelope } from '../envelope/envelope.js';
import { departmentOfSource } from '../identifiers/identifiers.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { SignatureDomain, signingMessage } from '../signing/domains.js';
import { verifyEd25519 } from '../signing/ed25519.js';
import { resolveKey, type TrustBundle } from '../trust/trust-bundle.js';

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
 */
export function verifyEnvelope(
  envelope: SignedEnvelope,
  bundle: TrustBundle,
  verify: SignatureVerifier = verifyEd25519,
): VerifiedEnvelope {
  const { canonical, hash } = envelopeHash(envelope);
  if (!equalBytes(hash, fromHex(envelope.hash))) {
    throw new ProtocolError(
      ProtocolErrorCode.HASH_MISMATCH,
      'the attributes do not hash to the stated hash: the envelope was changed',
      'hash',
    );
  }
  const department = departmentOfSource(envelope.source)!;
  const publicKey = resolveKey(bundle, envelope.keyid, department, new Date(envelope.time));
  const sig = fromBase64(envelope.sig);
  if (!verify(sig, signingMessage(SignatureDomain.ENTRY, hash), publicKey)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_SIGNATURE,
      `the signature does not verify with key '${envelope.keyid}'`,
      'sig',
    );
  }
  return { envelope, canonical, hash, sig };
}
