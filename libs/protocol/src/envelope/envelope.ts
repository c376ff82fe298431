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

/** Known departments (DESIGN.md); new ones join by the same pattern, so validation is by pattern. */
export const DEPARTMENTS = ['land', 'diploma', 'court', 'credit', 'bond', 'notary'] as const;

export const DEPARTMENT_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
export const SOURCE_PATTERN = /^urn:gov:([a-z][a-z0-9-]{0,30})$/;
export const TYPE_PATTERN = /^gov\.([a-z][a-z0-9-]{0,30})\.([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)\.v([1-9][0-9]{0,3})$/;
export const CHAIN_PATTERN = /^([a-z][a-z0-9-]{0,30})(?:\/(0|[1-9][0-9]{0,3}))?$/;
export const SEQ_PATTERN = /^[1-9][0-9]{0,15}$/;
export const HEX32_PATTERN = /^[0-9a-f]{64}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const RFC3339_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const BASE64_SIG_PATTERN = /^[A-Za-z0-9+/]{86}==$/;

export const sourceOf = (department: string) => `urn:gov:${department}`;
export const departmentOfSource = (source: string) => SOURCE_PATTERN.exec(source)?.[1];
export const departmentOfChain = (chain: string) => CHAIN_PATTERN.exec(chain)?.[1];

/** The attributes that are hashed, in no particular order (JCS orders them). */
export function hashedPart(envelope: EnvelopeAttributes): EnvelopeAttributes {
  const part = {} as Record<string, string>;
  for (const name of HASHED_ATTRIBUTES) part[name] = envelope[name];
  return part as unknown as EnvelopeAttributes;
}
