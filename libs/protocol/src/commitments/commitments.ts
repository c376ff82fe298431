import { sha256 } from '@noble/hashes/sha2.js';

import { canonicalBytes, canonicalize, CanonicalizationError } from '../canonical/canonicalize.js';
import { randomBytes, toBase64Url, toHex, utf8 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/**
 * Per-field data commitments (DESIGN.md, "Data commitments"):
 *   c_f = SHA-256(JCS([salt_f, f, value_f]))      (lower-case hex)
 *   datadigest = SHA-256(JCS({ f: c_f }))         (lower-case hex)
 * A fresh random salt per field keeps a withheld value from being guessed
 * from its commitment. The salts travel with the data, never in the hashed
 * envelope, so any subset of fields can be disclosed and still checked.
 */
export type EventData = Record<string, unknown>;

/**
 * The data as it travels and is stored: disclosed fields with their salts,
 * withheld fields as their commitments. The full disclosure has every field
 * and an empty `withheld`.
 */
export interface Disclosure {
  fields: EventData;
  salts: Record<string, string>;
  withheld: Record<string, string>;
}

export interface CommittedData {
  disclosure: Disclosure;
  commitments: Record<string, string>;
  datadigest: string;
}

const SALT_BYTES = 16;
export const SALT_PATTERN = /^[A-Za-z0-9_-]{22,}$/;
const HEX32 = /^[0-9a-f]{64}$/;

export function fieldCommitment(salt: string, field: string, value: unknown): string {
  return toHex(sha256(canonicalBytes([salt, field, value])));
}

export function digestOfCommitments(commitments: Record<string, string>): string {
  return toHex(sha256(utf8(canonicalize(commitments))));
}

export function newSalt(): string {
  return toBase64Url(randomBytes(SALT_BYTES));
}

/** Salts for a whole entry from one call to the random source (one call per field is measurably slower). */
function saltSource(): () => string {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return () => {
    if (offset + SALT_BYTES > pool.length) {
      pool = randomBytes(SALT_BYTES * 16);
      offset = 0;
    }
    offset += SALT_BYTES;
    return toBase64Url(pool.subarray(offset - SALT_BYTES, offset));
  };
}

/** Commits to every top-level field of `data` with fresh salts. */
export function commitData(data: EventData, salt: () => string = saltSource()): CommittedData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_DISCLOSURE, 'event data must be a JSON object', 'data');
  }
  const salts: Record<string, string> = {};
  const commitments: Record<string, string> = {};
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue;
    salts[field] = salt();
    try {
      commitments[field] = fieldCommitment(salts[field], field, value);
    } catch (error) {
      if (error instanceof CanonicalizationError) {
        throw new ProtocolError(ProtocolErrorCode.BAD_DISCLOSURE, error.message, `data.${field}`);
      }
      throw error;
    }
  }
  const fields = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
  return { disclosure: { fields, salts, withheld: {} }, commitments, datadigest: digestOfCommitments(commitments) };
}

function isStringMap(value: unknown, pattern: RegExp): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string' && pattern.test(item))
  );
}

/** Checks the shape of a disclosure object taken off the wire. Throws ProtocolError. */
export function parseDisclosure(value: unknown): Disclosure {
  const fail = (reason: string) => new ProtocolError(ProtocolErrorCode.BAD_DISCLOSURE, reason, 'data');
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('must be a disclosure object {fields, salts, withheld}');
  const { fields, salts, withheld, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw fail(`unknown member '${Object.keys(rest)[0]}'`);
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw fail('fields must be an object');
  if (!isStringMap(salts, SALT_PATTERN))
    throw fail('salts must map field names to base64url salts of 16 or more bytes');
  if (!isStringMap(withheld, HEX32)) throw fail('withheld must map field names to 64-hex commitments');
  const fieldNames = Object.keys(fields);
  if (fieldNames.length !== Object.keys(salts).length || fieldNames.some((name) => !(name in salts))) {
    throw fail('every disclosed field needs exactly one salt');
  }
  if (fieldNames.some((name) => name in withheld)) throw fail('a field cannot be both disclosed and withheld');
  return { fields: fields as EventData, salts, withheld };
}

/**
 * Checks a disclosure (full or redacted) against `datadigest`: recomputes
 * the commitment of every disclosed field, takes the withheld fields'
 * commitments as given, and compares the digest. Throws ProtocolError.
 */
export function checkDisclosure(disclosure: Disclosure, datadigest: string): void {
  const commitments: Record<string, string> = { ...disclosure.withheld };
  for (const [field, value] of Object.entries(disclosure.fields)) {
    const salt = disclosure.salts[field];
    if (salt === undefined)
      throw new ProtocolError(ProtocolErrorCode.BAD_DISCLOSURE, 'disclosed without its salt', `data.${field}`);
    try {
      commitments[field] = fieldCommitment(salt, field, value);
    } catch (error) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_DISCLOSURE,
        error instanceof Error ? error.message : String(error),
        `data.${field}`,
      );
    }
  }
  if (digestOfCommitments(commitments) !== datadigest) {
    throw new ProtocolError(
      ProtocolErrorCode.DATA_COMMITMENT_MISMATCH,
      'the data does not match the datadigest the owner signed: a value, a salt or a commitment was changed',
      'data',
    );
  }
}

/** Checks complete data with its salts (nothing withheld). */
export function checkFullData(fields: EventData, salts: Record<string, string>, datadigest: string): void {
  checkDisclosure({ fields, salts, withheld: {} }, datadigest);
}

/** A view that discloses only `keep` (fields not present are ignored); the others become their commitments. */
export function redact(disclosure: Disclosure, keep: readonly string[]): Disclosure {
  const keepSet = new Set(keep);
  const fields: EventData = {};
  const salts: Record<string, string> = {};
  const withheld: Record<string, string> = { ...disclosure.withheld };
  for (const [field, value] of Object.entries(disclosure.fields)) {
    if (keepSet.has(field)) {
      fields[field] = value;
      salts[field] = disclosure.salts[field]!;
    } else {
      withheld[field] = fieldCommitment(disclosure.salts[field]!, field, value);
    }
  }
  return { fields, salts, withheld };
}
