import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { SUBJECT_KEY_BYTES, tuple, utf8 } from '@registry-bus/protocol';

/** The department's key-encryption key: what every subject key in its keystore is wrapped under. */
export interface KeyEncryptionKey {
  /** `kek-<16 hex>`, stored beside each wrapped key so a wrong KEK is named, not guessed at. */
  id: string;
  /** 32 bytes (AES-256). */
  key: Uint8Array;
}

/** Whose key it is: a subject of a department. */
export interface SubjectKeyOwner {
  department: string;
  subject: string;
}

/** A subject key as the keystore holds it (the row of keystore.subject_key). */
export interface WrappedSubjectKey {
  kekId: string;
  /** 12 random bytes. */
  nonce: Uint8Array;
  /** AES-256-GCM ciphertext (32 bytes) ‖ tag (16 bytes). */
  wrapped: Uint8Array;
}

export const KEK_BYTES = 32;
export const WRAPPED_SUBJECT_KEY_BYTES = 48;
export const SUBJECT_KEY_NONCE_BYTES = 12;
/** The keystore's CHECK on subject; longer subjects never reach the database. */
export const MAX_SUBJECT_LENGTH = 200;

const TAG_BYTES = 16;
const SUBJECT_KEY_DOMAIN = 'registry-bus/subject-key/v1';
// Postgres text holds neither NUL nor a lone surrogate (the driver would send U+FFFD, another subject than the AD's).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Refuses what keystore.subject_key could not hold as given: empty, over 200 characters, NUL, lone surrogates. */
export function requireSubject(subject: unknown): asserts subject is string {
  if (
    typeof subject !== 'string' ||
    subject.length < 1 ||
    subject.length > MAX_SUBJECT_LENGTH ||
    subject.includes('\u0000') ||
    LONE_SURROGATE.test(subject)
  ) {
    throw new Error(
      `subject ${JSON.stringify(subject)} refused: a subject is 1 to ${MAX_SUBJECT_LENGTH} characters of text, without NUL`,
    );
  }
}

/**
 * The AES-GCM associated data:
 *   lp("registry-bus/subject-key/v1") ‖ lp(department) ‖ lp(subject)   (lp = u32be length ‖ UTF-8)
 * A wrapped key copied to another subject's row, or into another
 * department's keystore under a shared KEK, does not open.
 */
export function subjectKeyAssociatedData(owner: SubjectKeyOwner): Uint8Array {
  if (typeof owner.department !== 'string' || owner.department.length === 0) {
    throw new Error('a subject key belongs to a department: the department is missing');
  }
  requireSubject(owner.subject);
  return tuple(utf8(SUBJECT_KEY_DOMAIN), utf8(owner.department), utf8(owner.subject));
}

function requireKek(kek: KeyEncryptionKey): void {
  if (!(kek.key instanceof Uint8Array) || kek.key.length !== KEK_BYTES) {
    throw new Error(`key-encryption key ${kek.id} refused: a key-encryption key is ${KEK_BYTES} bytes`);
  }
}

/** Wraps a subject key under the KEK (AES-256-GCM, fresh random nonce), bound to its department and subject. */
export function wrapSubjectKey(
  kek: KeyEncryptionKey,
  owner: SubjectKeyOwner,
  subjectKey: Uint8Array,
): WrappedSubjectKey {
  requireKek(kek);
  if (!(subjectKey instanceof Uint8Array) || subjectKey.length !== SUBJECT_KEY_BYTES) {
    throw new Error(
      `the subject key of '${String(owner.subject)}' refused: a subject key is ${SUBJECT_KEY_BYTES} bytes`,
    );
  }
  const associatedData = subjectKeyAssociatedData(owner);
  const nonce = new Uint8Array(randomBytes(SUBJECT_KEY_NONCE_BYTES));
  const cipher = createCipheriv('aes-256-gcm', kek.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const wrapped = Buffer.concat([cipher.update(subjectKey), cipher.final(), cipher.getAuthTag()]);
  return { kekId: kek.id, nonce, wrapped: new Uint8Array(wrapped) };
}

/**
 * Opens a wrapped subject key. Refuses, naming the subject, a key wrapped
 * under another KEK id, and one that does not authenticate: wrapped for
 * another department or subject, under another key with the same id, or
 * altered in any bit.
 */
export function unwrapSubjectKey(kek: KeyEncryptionKey, owner: SubjectKeyOwner, stored: WrappedSubjectKey): Uint8Array {
  requireKek(kek);
  const associatedData = subjectKeyAssociatedData(owner);
  const whose = `the subject key of '${owner.subject}' in ${owner.department}`;
  if (stored.kekId !== kek.id) {
    throw new Error(`${whose} is wrapped under key-encryption key ${stored.kekId}, this app holds ${kek.id}`);
  }
  if (!(stored.nonce instanceof Uint8Array) || stored.nonce.length !== SUBJECT_KEY_NONCE_BYTES) {
    throw new Error(`${whose} is damaged: its nonce is not ${SUBJECT_KEY_NONCE_BYTES} bytes`);
  }
  if (!(stored.wrapped instanceof Uint8Array) || stored.wrapped.length !== WRAPPED_SUBJECT_KEY_BYTES) {
    throw new Error(`${whose} is damaged: it is not ${WRAPPED_SUBJECT_KEY_BYTES} wrapped bytes`);
  }
  const decipher = createDecipheriv('aes-256-gcm', kek.key, stored.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(stored.wrapped.subarray(SUBJECT_KEY_BYTES));
  try {
    const opened = Buffer.concat([decipher.update(stored.wrapped.subarray(0, SUBJECT_KEY_BYTES)), decipher.final()]);
    return new Uint8Array(opened);
  } catch {
    throw new Error(
      `${whose} does not open under key-encryption key ${kek.id}: ` +
        'it was wrapped for another department or subject, under another key, or altered',
    );
  }
}
