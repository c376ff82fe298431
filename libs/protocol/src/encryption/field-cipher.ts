import { canonicalBytes, CanonicalizationError } from '../canonical/canonicalize.js';
import { SALT_PATTERN } from '../commitments/commitments.js';
import { equalBytes, randomBytes, toBase64Url, utf8 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { parseStrictJsonBytes } from '../json/strict-json.js';
import {
  EncryptionDomain,
  chainBytes,
  entryHashBytes,
  fieldAttribute,
  fieldPathBytes,
  fromBase64UrlStrict,
  seqBytes,
  tuple,
  type FieldPath,
} from './encoding.js';
import { FIELD_KEY_BYTES } from './field-key.js';

/** Where an encrypted value belongs: its entry (chain, seq, hash) and its field. */
export interface FieldCipherContext {
  chain: string;
  seq: number;
  field: FieldPath;
  /** The entry's hash, 64 lower-case hex (the envelope's `hash`). */
  hash: string;
}

/** What a field ciphertext carries: the field's commitment salt and its value, so the commitment can be checked again. */
export interface OpenedField {
  salt: string;
  value: unknown;
}

/** Wire format v1 of one encrypted field value. */
export interface SealedField {
  v: 1;
  alg: 'A256GCM';
  /** 12 random bytes, base64url without padding. */
  nonce: string;
  /** AES-256-GCM ciphertext ‖ 16-byte tag, base64url without padding. */
  ct: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A field value is a few bytes to a few kilobytes; a megabyte is a broken or hostile record. */
const MAX_CT_BYTES = 1 << 20;

/**
 * The AEAD associated data:
 *   lp("registry-bus/field-ad/v1") ‖ lp(chain) ‖ lp(u64be(seq)) ‖ lp(lp(segment) ‖ …) ‖ lp(32-byte entry hash)
 * A ciphertext moved to another field, entry or chain does not open.
 */
export function fieldAssociatedData(context: FieldCipherContext): Uint8Array {
  return tuple(
    utf8(EncryptionDomain.FIELD_AD),
    chainBytes(context.chain),
    seqBytes(context.seq),
    fieldPathBytes(context.field),
    entryHashBytes(context.hash),
  );
}

function importFieldKey(fieldKey: Uint8Array, usage: 'encrypt' | 'decrypt') {
  if (!(fieldKey instanceof Uint8Array) || fieldKey.length !== FIELD_KEY_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, 'a field key is 32 bytes', 'fieldKey');
  }
  return globalThis.crypto.subtle.importKey('raw', fieldKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [usage]);
}

/**
 * Encrypts one field value with its field key (AES-256-GCM, fresh random
 * nonce). The plaintext is JCS([salt, value]); the value must be what the
 * strict parser reads back, as the commitment already required.
 */
export async function sealField(
  fieldKey: Uint8Array,
  context: FieldCipherContext,
  opened: OpenedField,
): Promise<SealedField> {
  const attribute = fieldAttribute(context.field);
  if (typeof opened.salt !== 'string' || !SALT_PATTERN.test(opened.salt)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_DISCLOSURE,
      'the salt is not a base64url salt of 16 or more bytes',
      attribute,
    );
  }
  let plaintext: Uint8Array;
  try {
    plaintext = canonicalBytes([opened.salt, opened.value]);
  } catch (error) {
    if (error instanceof CanonicalizationError) {
      throw new ProtocolError(ProtocolErrorCode.BAD_DISCLOSURE, error.message, attribute);
    }
    throw error;
  }
  // A value the receiver's strict parser refuses (a number beyond 2^53) would be sealed for nobody.
  parseStrictJsonBytes(plaintext, `the value of ${attribute}`);
  const ad = fieldAssociatedData(context);
  const key = await importFieldKey(fieldKey, 'encrypt');
  const nonce = randomBytes(NONCE_BYTES);
  const ct = new Uint8Array(
    await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: ad as Uint8Array<ArrayBuffer> },
      key,
      plaintext as Uint8Array<ArrayBuffer>,
    ),
  );
  return { v: 1, alg: 'A256GCM', nonce: toBase64Url(nonce), ct: toBase64Url(ct) };
}

/** Checks the shape of a sealed field taken off the wire. Throws ProtocolError(BAD_CIPHERTEXT). */
export function parseSealedField(value: unknown, attribute = 'data'): { nonce: Uint8Array; ct: Uint8Array } {
  const fail = (reason: string) => new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, reason, attribute);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('must be an encrypted field {v, alg, nonce, ct}');
  }
  const { v, alg, nonce, ct, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw fail(`unknown member '${Object.keys(rest)[0]}'`);
  if (v !== 1) throw fail(`format version ${JSON.stringify(v)} is not 1`);
  if (alg !== 'A256GCM') throw fail(`algorithm ${JSON.stringify(alg)} is not A256GCM`);
  const nonceBytes = fromBase64UrlStrict(nonce);
  if (!nonceBytes || nonceBytes.length !== NONCE_BYTES)
    throw fail('nonce must be 12 bytes in base64url without padding');
  const ctBytes = fromBase64UrlStrict(ct);
  if (!ctBytes) throw fail('ct must be base64url without padding');
  if (ctBytes.length < TAG_BYTES) throw fail('ct is shorter than the 16-byte tag: truncated');
  if (ctBytes.length > MAX_CT_BYTES) throw fail('ct is longer than 1 MiB');
  return { nonce: nonceBytes, ct: ctBytes };
}

/**
 * Decrypts one field value and returns its salt and value. Throws
 * ProtocolError: BAD_CIPHERTEXT (not the wire format), DECRYPTION_FAILED
 * (wrong key, another chain, seq, field or entry hash, changed bytes).
 */
export async function openField(
  fieldKey: Uint8Array,
  context: FieldCipherContext,
  sealed: unknown,
): Promise<OpenedField> {
  const attribute = fieldAttribute(context.field);
  const { nonce, ct } = parseSealedField(sealed, attribute);
  const ad = fieldAssociatedData(context);
  const key = await importFieldKey(fieldKey, 'decrypt');
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: ad as Uint8Array<ArrayBuffer> },
        key,
        ct as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch {
    throw new ProtocolError(
      ProtocolErrorCode.DECRYPTION_FAILED,
      'the field does not open: another key, another chain, seq, field or entry, or changed bytes',
      attribute,
    );
  }
  const opened = parseStrictJsonBytes(plaintext, `the opened ${attribute}`);
  if (!Array.isArray(opened) || opened.length !== 2 || typeof opened[0] !== 'string' || !SALT_PATTERN.test(opened[0])) {
    throw new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, 'the opened field is not [salt, value]', attribute);
  }
  // One byte string per value: what opened is exactly what the owner canonicalised.
  if (!equalBytes(canonicalBytes(opened), plaintext)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, 'the opened field is not canonical JSON', attribute);
  }
  return { salt: opened[0], value: opened[1] };
}
