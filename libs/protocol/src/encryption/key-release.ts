import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

import { canonicalBytes, canonicalize } from '../canonical/canonicalize.js';
import { equalBytes, toBase64Url, utf8 } from '../encoding/bytes.js';
import { KEYID_PATTERN, SEQ_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { DEPARTMENT_PATTERN } from '../identifiers/identifiers.js';
import { parseStrictJsonBytes } from '../json/strict-json.js';
import {
  EncryptionDomain,
  chainBytes,
  fieldSegments,
  fromBase64UrlStrict,
  requireSeq,
  seqBytes,
  tuple,
  type FieldPath,
} from './encoding.js';
import { checkEncryptionPublicKey, type EncryptionPublicKey } from './encryption-key.js';
import { FIELD_KEY_BYTES } from './field-key.js';

/** RFC 9180 Base mode, DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002. */
export const KEY_RELEASE_ALG = 'HPKE-Base-X25519-SHA256-A256GCM';

/** Whom a release is for and which entries it may cover: the HPKE info. */
export interface KeyReleaseScope {
  /** The grantee department. */
  grantee: string;
  chain: string;
  /** First and last seq of the entries covered (inclusive). */
  fromSeq: number;
  toSeq: number;
}

/** One field key of one entry. */
export interface ReleasedKey {
  seq: number;
  field: FieldPath;
  key: Uint8Array;
}

/** Wire format v1 of a key release. Only the ciphertext is secret; the scope travels in clear to rebuild the info. */
export interface KeyRelease {
  v: 1;
  alg: typeof KEY_RELEASE_ALG;
  /** The grantee's encryption key id in the trust bundle. */
  kid: string;
  grantee: string;
  chain: string;
  from: string;
  to: string;
  /** HPKE encapsulated key (32 bytes), base64url without padding. */
  enc: string;
  /** HPKE ciphertext of the key list, base64url without padding. */
  ct: string;
}

export interface OpenedKeyRelease extends KeyReleaseScope {
  keys: Array<{ seq: number; field: readonly string[]; key: Uint8Array }>;
}

/** Bounds a release to what one Kafka batch can need (entries × fields), so a hostile one cannot exhaust memory. */
const MAX_KEYS = 65536;
const MAX_CT_BYTES = 16 << 20;

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

function checkScope(scope: KeyReleaseScope): void {
  if (typeof scope.grantee !== 'string' || !DEPARTMENT_PATTERN.test(scope.grantee)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${scope.grantee}' is not a department id`, 'grantee');
  }
  chainBytes(scope.chain);
  requireSeq(scope.fromSeq, 'from');
  requireSeq(scope.toSeq, 'to');
  if (scope.fromSeq > scope.toSeq) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'the range ends before it begins', 'to');
  }
}

/**
 * The HPKE info:
 *   lp("registry-bus/key-release/v1") ‖ lp(grantee) ‖ lp(chain) ‖ lp(u64be(from)) ‖ lp(u64be(to))
 * A release opened with another grantee, chain or range in mind fails.
 */
export function keyReleaseInfo(scope: KeyReleaseScope): Uint8Array {
  checkScope(scope);
  return tuple(
    utf8(EncryptionDomain.KEY_RELEASE),
    utf8(scope.grantee),
    utf8(scope.chain),
    seqBytes(scope.fromSeq, 'from'),
    seqBytes(scope.toSeq, 'to'),
  );
}

/** JCS({keys: [{seq, field, key}]}) in the order given, each (seq, field) once, every seq inside the scope. */
function keyListBytes(scope: KeyReleaseScope, keys: readonly ReleasedKey[]): Uint8Array {
  if (keys.length > MAX_KEYS) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `a release holds at most ${MAX_KEYS} keys`, 'keys');
  }
  const items = keys.map(({ seq, field, key }) => {
    requireSeq(seq, 'keys.seq');
    if (seq < scope.fromSeq || seq > scope.toSeq) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_ATTRIBUTE,
        `seq ${seq} is outside ${scope.fromSeq}–${scope.toSeq}`,
        'keys.seq',
      );
    }
    if (!(key instanceof Uint8Array) || key.length !== FIELD_KEY_BYTES) {
      throw new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, 'a field key is 32 bytes', 'keys.key');
    }
    return { seq: String(seq), field: [...fieldSegments(field)], key: toBase64Url(key) };
  });
  const seen = new Set<string>();
  for (const item of items) {
    const id = canonicalize([item.seq, item.field]);
    if (seen.has(id)) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_ATTRIBUTE,
        `seq ${item.seq} field ${item.field.join('.')} twice`,
        'keys',
      );
    }
    seen.add(id);
  }
  return canonicalBytes({ keys: items });
}

/**
 * Wraps the field keys a grantee's grant covers, for entries `fromSeq`–`toSeq`
 * of `chain`, to the grantee's X25519 key (HPKE single-shot seal, empty AAD).
 * Base mode does not say who sealed: the reply that carries a release is signed by the owner.
 */
export async function sealKeyRelease(
  scope: KeyReleaseScope,
  recipient: EncryptionPublicKey,
  keys: readonly ReleasedKey[],
): Promise<KeyRelease> {
  const info = keyReleaseInfo(scope);
  checkEncryptionPublicKey(recipient.publicKey, 'recipient.publicKey');
  if (!KEYID_PATTERN.test(recipient.keyId)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${recipient.keyId}' is not a key id`, 'recipient.keyId');
  }
  const plaintext = keyListBytes(scope, keys);
  const recipientPublicKey = await suite.kem.deserializePublicKey(recipient.publicKey);
  const { ct, enc } = await suite.seal({ recipientPublicKey, info }, plaintext);
  return {
    v: 1,
    alg: KEY_RELEASE_ALG,
    kid: recipient.keyId,
    grantee: scope.grantee,
    chain: scope.chain,
    from: String(scope.fromSeq),
    to: String(scope.toSeq),
    enc: toBase64Url(new Uint8Array(enc)),
    ct: toBase64Url(new Uint8Array(ct)),
  };
}

/** Checks the shape of a release taken off the wire. Throws ProtocolError(BAD_CIPHERTEXT). */
export function parseKeyRelease(value: unknown): KeyReleaseScope & { kid: string; enc: Uint8Array; ct: Uint8Array } {
  const fail = (reason: string, member?: string) =>
    new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, reason, member ? `release.${member}` : 'release');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('must be a key release {v, alg, kid, grantee, chain, from, to, enc, ct}');
  }
  const { v, alg, kid, grantee, chain, from, to, enc, ct, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw fail(`unknown member '${Object.keys(rest)[0]}'`);
  if (v !== 1) throw fail(`format version ${JSON.stringify(v)} is not 1`, 'v');
  if (alg !== KEY_RELEASE_ALG) throw fail(`algorithm ${JSON.stringify(alg)} is not ${KEY_RELEASE_ALG}`, 'alg');
  if (typeof kid !== 'string' || !KEYID_PATTERN.test(kid)) throw fail('is not a key id', 'kid');
  if (typeof grantee !== 'string' || !DEPARTMENT_PATTERN.test(grantee)) throw fail('is not a department id', 'grantee');
  if (typeof chain !== 'string') throw fail('is not a chain id', 'chain');
  for (const [member, text] of [['from', from] as const, ['to', to] as const]) {
    if (typeof text !== 'string' || !SEQ_PATTERN.test(text) || !Number.isSafeInteger(Number(text))) {
      throw fail('must be a decimal seq', member);
    }
  }
  const scope = { grantee, chain, fromSeq: Number(from), toSeq: Number(to) };
  try {
    checkScope(scope);
  } catch (error) {
    if (error instanceof ProtocolError) throw fail(error.reason, error.attribute);
    throw error;
  }
  const encBytes = fromBase64UrlStrict(enc);
  if (!encBytes || encBytes.length !== 32) throw fail('must be 32 bytes in base64url without padding', 'enc');
  const ctBytes = fromBase64UrlStrict(ct);
  if (!ctBytes) throw fail('must be base64url without padding', 'ct');
  if (ctBytes.length < 16) throw fail('is shorter than the 16-byte tag: truncated', 'ct');
  if (ctBytes.length > MAX_CT_BYTES) throw fail('is longer than 16 MiB', 'ct');
  return { ...scope, kid, enc: encBytes, ct: ctBytes };
}

function parseKeyList(plaintext: Uint8Array, scope: KeyReleaseScope): OpenedKeyRelease['keys'] {
  const fail = (reason: string) => new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, reason, 'release.keys');
  const parsed = parseStrictJsonBytes(plaintext, 'the opened key release');
  const list = (parsed as { keys?: unknown }).keys;
  if (typeof parsed !== 'object' || parsed === null || Object.keys(parsed).length !== 1 || !Array.isArray(list)) {
    throw fail('the opened release is not {keys: [...]}');
  }
  const keys = list.map((item: unknown) => {
    const { seq, field, key, ...rest } = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    if (Object.keys(rest).length > 0 || typeof seq !== 'string' || !SEQ_PATTERN.test(seq) || !Array.isArray(field)) {
      throw fail('a released key is {seq, field, key}');
    }
    const keyBytes = fromBase64UrlStrict(key);
    if (!keyBytes || keyBytes.length !== FIELD_KEY_BYTES) throw fail('a released key is 32 bytes in base64url');
    return { seq: Number(seq), field: field as string[], key: keyBytes };
  });
  // The same checks as when sealing, and one byte string per release.
  let again: Uint8Array;
  try {
    again = keyListBytes(scope, keys);
  } catch (error) {
    if (error instanceof ProtocolError) throw fail(error.reason);
    throw error;
  }
  if (!equalBytes(again, plaintext)) throw fail('the opened release is not canonical JSON');
  return keys;
}

/**
 * Opens a release addressed to `recipient.grantee` under its key
 * `recipient.keyId`. Throws ProtocolError: BAD_CIPHERTEXT (not the format,
 * or addressed to another grantee), UNKNOWN_KEY (sealed to another key id),
 * DECRYPTION_FAILED (another private key, a changed scope, changed bytes).
 */
export async function openKeyRelease(
  release: unknown,
  recipient: { grantee: string; keyId: string; privateKey: Uint8Array },
): Promise<OpenedKeyRelease> {
  const parsed = parseKeyRelease(release);
  if (parsed.grantee !== recipient.grantee) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_CIPHERTEXT,
      `the release is for '${parsed.grantee}', not '${recipient.grantee}'`,
      'release.grantee',
    );
  }
  if (parsed.kid !== recipient.keyId) {
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_KEY,
      `the release is sealed to key '${parsed.kid}', not '${recipient.keyId}'`,
      'release.kid',
    );
  }
  if (!(recipient.privateKey instanceof Uint8Array) || recipient.privateKey.length !== 32) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ENCRYPTION_KEY, 'an X25519 private key is 32 bytes', 'privateKey');
  }
  const scope: KeyReleaseScope = {
    grantee: parsed.grantee,
    chain: parsed.chain,
    fromSeq: parsed.fromSeq,
    toSeq: parsed.toSeq,
  };
  const recipientKey = await suite.kem.deserializePrivateKey(recipient.privateKey);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await suite.open({ recipientKey, enc: parsed.enc, info: keyReleaseInfo(scope) }, parsed.ct),
    );
  } catch {
    throw new ProtocolError(
      ProtocolErrorCode.DECRYPTION_FAILED,
      'the release does not open: another private key, another grantee, chain or range, or changed bytes',
      'release',
    );
  }
  return { ...scope, keys: parseKeyList(plaintext, scope) };
}
