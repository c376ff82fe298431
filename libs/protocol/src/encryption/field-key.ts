import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { randomBytes, utf8 } from '../encoding/bytes.js';
import { TYPE_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { EncryptionDomain, chainBytes, fieldPathBytes, seqBytes, tuple, type FieldPath } from './encoding.js';

export const SUBJECT_KEY_BYTES = 32;
export const FIELD_KEY_BYTES = 32;

/** Which value of which entry a field key opens. */
export interface FieldKeyContext {
  chain: string;
  seq: number;
  /** The entry's event type (`gov.land.parcel.registered.v1`). */
  type: string;
  field: FieldPath;
}

/**
 * A fresh subject key: 32 random bytes the owner keeps per subject (a
 * parcel, a diploma), and per person for a field that names several people,
 * so that destroying one key erases exactly what it derived (issue #29).
 */
export function newSubjectKey(): Uint8Array {
  return randomBytes(SUBJECT_KEY_BYTES);
}

/** HKDF-SHA256 (RFC 5869): extract with `salt` (empty = HashLen zeros, §2.2), expand to `length` bytes. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdf(sha256, ikm, salt, info, length);
}

/**
 * The HKDF info of a field key:
 *   lp("registry-bus/field-key/v1") ‖ lp(chain) ‖ lp(u64be(seq)) ‖ lp(type) ‖ lp(lp(segment) ‖ …)
 * (lp = u32be length ‖ bytes, strings UTF-8).
 */
export function fieldKeyInfo(context: FieldKeyContext): Uint8Array {
  if (typeof context.type !== 'string' || !TYPE_PATTERN.test(context.type)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'must be gov.<dept>.<aggregate>.<event>.v<N>', 'type');
  }
  return tuple(
    utf8(EncryptionDomain.FIELD_KEY),
    chainBytes(context.chain),
    seqBytes(context.seq),
    utf8(context.type),
    fieldPathBytes(context.field),
  );
}

/**
 * fieldKey = HKDF-SHA256(IKM = subject key, salt = empty, info = fieldKeyInfo, L = 32).
 * No salt: the subject key is already uniformly random (RFC 5869 §3.1); the
 * info alone separates one field of one entry from every other.
 */
export function deriveFieldKey(subjectKey: Uint8Array, context: FieldKeyContext): Uint8Array {
  if (!(subjectKey instanceof Uint8Array) || subjectKey.length !== SUBJECT_KEY_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, 'a subject key is 32 bytes', 'subjectKey');
  }
  return hkdfSha256(subjectKey, new Uint8Array(0), fieldKeyInfo(context), FIELD_KEY_BYTES);
}
