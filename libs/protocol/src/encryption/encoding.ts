import { concatBytes, fromBase64, fromHex, toBase64Url, utf8 } from '../encoding/bytes.js';
import { HEX32_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { requireChain } from '../identifiers/identifiers.js';

/**
 * Domain tags of the encrypted-data format (docs/PROTOCOL.md, "Encrypted
 * data"). Each is the first element of a length-prefixed tuple, so an HKDF
 * info, an AEAD associated data and an HPKE info can never be read as one
 * another, nor as a signed message (those are `registry-bus/…/v1\n` followed
 * by 32 hash bytes, see signing/domains.ts, and begin with no length).
 */
export const EncryptionDomain = {
  FIELD_KEY: 'registry-bus/field-key/v1',
  FIELD_AD: 'registry-bus/field-ad/v1',
  KEY_RELEASE: 'registry-bus/key-release/v1',
  QUERY_ANSWER: 'registry-bus/query-answer/v1',
} as const;
export type EncryptionDomain = (typeof EncryptionDomain)[keyof typeof EncryptionDomain];

/** Where a value sits in an entry's data: the top-level field, then (for a field naming several people) the part. */
export type FieldPath = string | readonly string[];

const MAX_SEGMENT_BYTES = 256;
const MAX_SEGMENTS = 8;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `u32be(length) ‖ bytes`: the one framing of every element, so `a|b` ‖ `c` never equals `a` ‖ `b|c`. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

/** lp(x1) ‖ lp(x2) ‖ … — injective for a fixed number of elements. */
export function tuple(...elements: Uint8Array[]): Uint8Array {
  return concatBytes(...elements.map(lengthPrefixed));
}

/** A seq as 8 bytes, big-endian (seqs are at most 2^53 − 1). */
export function seqBytes(seq: number, attribute = 'seq'): Uint8Array {
  requireSeq(seq, attribute);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(seq), false);
  return out;
}

export function requireSeq(seq: number, attribute = 'seq'): void {
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'must be an integer from 1 to 2^53 − 1', attribute);
  }
}

/** The chain id as UTF-8, after checking it is one. */
export function chainBytes(chain: string, attribute = 'chain'): Uint8Array {
  requireChain(chain, attribute);
  return utf8(chain);
}

/** The segments of a field path, checked: 1 to 8 non-empty segments of at most 256 UTF-8 bytes, no lone surrogates. */
export function fieldSegments(field: FieldPath): readonly string[] {
  const segments = typeof field === 'string' ? [field] : field;
  const fail = (reason: string) => new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, reason, 'field');
  if (!Array.isArray(segments) || segments.length < 1 || segments.length > MAX_SEGMENTS) {
    throw fail(`a field path has 1 to ${MAX_SEGMENTS} segments`);
  }
  for (const segment of segments) {
    if (typeof segment !== 'string' || segment.length === 0) throw fail('a field path segment is a non-empty string');
    // TextEncoder would turn a lone surrogate into U+FFFD: two paths would share one encoding.
    if (LONE_SURROGATE.test(segment)) throw fail('a field path segment has a lone surrogate');
    if (utf8(segment).length > MAX_SEGMENT_BYTES)
      throw fail(`a field path segment is at most ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segments;
}

/** lp(segment 1) ‖ … — itself one element of the outer tuple, so the number of segments is fixed by its length. */
export function fieldPathBytes(field: FieldPath): Uint8Array {
  return tuple(...fieldSegments(field).map(utf8));
}

/** `data.owner`, `data.owners.1`: how errors name a field. */
export function fieldAttribute(field: FieldPath): string {
  return `data.${(typeof field === 'string' ? [field] : field).join('.')}`;
}

/** The entry hash (64 lower-case hex, as in the envelope) as its 32 bytes. */
export function entryHashBytes(hash: string): Uint8Array {
  if (typeof hash !== 'string' || !HEX32_PATTERN.test(hash)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'must be 64 lower-case hex characters', 'hash');
  }
  return fromHex(hash);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url without padding (RFC 4648 §5): one accepted text per byte
 * string (non-zero pad bits refused), or undefined.
 */
export function fromBase64UrlStrict(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return undefined;
  }
  return toBase64Url(bytes) === text ? bytes : undefined;
}
