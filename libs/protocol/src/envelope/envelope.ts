import { DEPARTMENT_PATTERN_SOURCE } from '../identifiers/identifiers.js';

/**
 * The envelope: CloudEvents 1.0 attributes plus our lower-case extensions
 * (DESIGN.md, "The envelope"). `hash` covers every attribute except `data`,
 * `hash`, `sig` and `keyid`.
 */
export interface EnvelopeAttributes {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  subject: string;
  chain: string;
  /** Decimal string: CloudEvents integers are 32-bit. */
  seq: string;
  prevhash: string;
  datadigest: string;
  actor: string;
}

export interface SignedEnvelope extends EnvelopeAttributes {
  hash: string;
  sig: string;
  keyid: string;
}

export const HASHED_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'datacontenttype',
  'subject',
  'chain',
  'seq',
  'prevhash',
  'datadigest',
  'actor',
] as const satisfies ReadonlyArray<keyof EnvelopeAttributes>;

export const SIGNATURE_ATTRIBUTES = ['hash', 'sig', 'keyid'] as const;

export const GENESIS_PREVHASH_HEX = '0'.repeat(64);

/**
 * The departments of DESIGN.md ("Names"). Validation is by DEPARTMENT_PATTERN,
 * not by this list, so a new department joins by getting keys into the trust
 * bundle — no protocol release needed.
 */
export const DEPARTMENTS = ['land', 'diploma', 'court', 'credit', 'bond', 'notary'] as const;
export type KnownDepartment = (typeof DEPARTMENTS)[number];

const DEPT = DEPARTMENT_PATTERN_SOURCE;
export const TYPE_PATTERN = new RegExp(
  `^gov\\.(${DEPT})\\.([a-z][a-z0-9-]{0,62})\\.([a-z][a-z0-9-]{0,62})\\.v([1-9][0-9]{0,3})$`,
);
export const SEQ_PATTERN = /^[1-9][0-9]{0,15}$/;
export const HEX32_PATTERN = /^[0-9a-f]{64}$/;
/** RFC 9562 UUID, lower case (versions 1–8, variant 10xx). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** RFC 3339 §5.6 date-time (upper-case T and Z; fractions up to nanoseconds). */
export const RFC3339_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** 64 bytes in canonical base64: 86 characters, `==`, and the last character's 4 pad bits zero (RFC 4648 §3.5). */
export const BASE64_SIG_PATTERN = /^[A-Za-z0-9+/]{85}[AQgw]==$/;
/** Subjects and actors: 1 to 200 Unicode code points, no control characters, no lone surrogates (JCS refuses them). */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const IDENTIFIER_TEXT_PATTERN = /^[^\u0000-\u001f\u007f\ud800-\udfff]{1,200}$/u;
export const ACTOR_PATTERN = IDENTIFIER_TEXT_PATTERN;
export const REACTION_ACTOR_PATTERN =
  /^reaction:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const KEYID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** The attributes that are hashed, in no particular order (JCS orders them). */
export function hashedPart(envelope: EnvelopeAttributes): EnvelopeAttributes {
  const part = {} as Record<string, string>;
  for (const name of HASHED_ATTRIBUTES) part[name] = envelope[name];
  return part as unknown as EnvelopeAttributes;
}
