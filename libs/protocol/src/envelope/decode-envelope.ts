import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { parseStrictJson, parseStrictJsonBytes } from '../json/strict-json.js';
import {
  ACTOR_PATTERN,
  BASE64_SIG_PATTERN,
  GENESIS_PREVHASH_HEX,
  HASHED_ATTRIBUTES,
  HEX32_PATTERN,
  IDENTIFIER_TEXT_PATTERN,
  KEYID_PATTERN,
  REACTION_ACTOR_PATTERN,
  RFC3339_PATTERN,
  SEQ_PATTERN,
  SIGNATURE_ATTRIBUTES,
  TYPE_PATTERN,
  UUID_PATTERN,
  type EnvelopeAttributes,
  type SignedEnvelope,
} from './envelope.js';
import { CHAIN_PATTERN, SOURCE_PATTERN } from '../identifiers/identifiers.js';

const ALLOWED = new Set<string>([...HASHED_ATTRIBUTES, ...SIGNATURE_ATTRIBUTES, 'data']);

const bad = (attribute: string, reason: string) =>
  new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, reason, attribute);

function text(object: Record<string, unknown>, name: string): string {
  if (!Object.hasOwn(object, name) || object[name] === undefined) throw bad(name, 'is required');
  const value = object[name];
  if (typeof value !== 'string') throw bad(name, `must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

function matching(object: Record<string, unknown>, name: string, pattern: RegExp, what: string): string {
  const value = text(object, name);
  if (!pattern.test(value)) throw bad(name, `must be ${what}, got ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

/** RFC 3339 §5.6 `date-time`, with real calendar days; leap seconds are refused (JavaScript dates cannot hold them). */
export function isRfc3339(value: string): boolean {
  const match = RFC3339_PATTERN.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const offset = match[8]!;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const offsetValid = offset === 'Z' || (Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(4, 6)) <= 59);
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetValid &&
    !Number.isNaN(Date.parse(value))
  );
}

/**
 * Checks the twelve hashed attributes of `object` (the others are not looked
 * at) and returns them. Used on the way in (decoding) and on the way out
 * (sealing), so the library never signs an envelope it would refuse to read.
 * Throws only ProtocolError(BAD_ATTRIBUTE) naming the attribute.
 */
export function parseAttributes(object: Record<string, unknown>): EnvelopeAttributes {
  if (text(object, 'specversion') !== '1.0') throw bad('specversion', 'must be "1.0"');
  const id = matching(object, 'id', UUID_PATTERN, 'a lower-case RFC 9562 UUID');
  const source = matching(object, 'source', SOURCE_PATTERN, 'urn:gov:<dept>');
  const type = matching(object, 'type', TYPE_PATTERN, 'gov.<dept>.<aggregate>.<event>.v<N>');
  const time = text(object, 'time');
  if (!isRfc3339(time)) throw bad('time', `must be an RFC 3339 timestamp, got ${JSON.stringify(time.slice(0, 40))}`);
  if (text(object, 'datacontenttype') !== 'application/json') {
    throw bad('datacontenttype', 'must be "application/json"');
  }
  const subject = matching(
    object,
    'subject',
    IDENTIFIER_TEXT_PATTERN,
    '1 to 200 characters without control characters',
  );
  const chain = matching(object, 'chain', CHAIN_PATTERN, '<dept> or <dept>/<shard>');
  const seq = matching(object, 'seq', SEQ_PATTERN, 'a decimal string of a positive integer without leading zeros');
  if (!Number.isSafeInteger(Number(seq))) throw bad('seq', 'must be at most 2^53 - 1');
  const prevhash = matching(object, 'prevhash', HEX32_PATTERN, '64 lower-case hex digits');
  if (seq === '1' && prevhash !== GENESIS_PREVHASH_HEX) throw bad('prevhash', 'of seq 1 must be 64 zeros');
  const datadigest = matching(object, 'datadigest', HEX32_PATTERN, '64 lower-case hex digits');
  const actor = matching(object, 'actor', ACTOR_PATTERN, 'an operator id or reaction:<cause id>');
  if (actor.startsWith('reaction:') && !REACTION_ACTOR_PATTERN.test(actor)) {
    throw bad('actor', 'of a reaction must be reaction:<the cause event id, a UUID>');
  }

  const department = SOURCE_PATTERN.exec(source)![1]!;
  if (TYPE_PATTERN.exec(type)![1] !== department) {
    throw bad('type', `must belong to the source's department '${department}'`);
  }
  if (CHAIN_PATTERN.exec(chain)![1] !== department) {
    throw bad('chain', `must be a chain of the source's department '${department}'`);
  }
  return {
    specversion: '1.0',
    id,
    source,
    type,
    time,
    datacontenttype: 'application/json',
    subject,
    chain,
    seq,
    prevhash,
    datadigest,
    actor,
  };
}

/**
 * Checks every attribute of a decoded JSON object and returns it as a signed
 * envelope plus its `data` (unchecked here: the data has its own checks).
 * Anything that is not a CloudEvents attribute or one of our extensions is
 * refused. Throws only ProtocolError.
 */
export function parseEnvelope(value: unknown): { envelope: SignedEnvelope; data: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_JSON, 'an envelope must be a JSON object');
  }
  const object = value as Record<string, unknown>;
  for (const name of Object.keys(object)) {
    if (!ALLOWED.has(name)) {
      throw new ProtocolError(
        ProtocolErrorCode.UNKNOWN_ATTRIBUTE,
        'is not a CloudEvents attribute or a Registry Bus extension',
        name.slice(0, 80),
      );
    }
  }
  const attributes = parseAttributes(object);
  const hash = matching(object, 'hash', HEX32_PATTERN, '64 lower-case hex digits');
  const sig = matching(object, 'sig', BASE64_SIG_PATTERN, 'the canonical base64 of a 64-byte Ed25519 signature');
  const keyid = matching(object, 'keyid', KEYID_PATTERN, 'a key id: 1 to 100 of A-Z a-z 0-9 . _ : -');
  const envelope: SignedEnvelope = { ...attributes, hash, sig, keyid };
  return Object.hasOwn(object, 'data') ? { envelope, data: object.data } : { envelope, data: undefined };
}

/** Bytes or text of a structured-mode CloudEvent → envelope, through the strict parser. Throws only ProtocolError. */
export function decodeEnvelope(input: Uint8Array | string): { envelope: SignedEnvelope; data: unknown } {
  const parsed =
    typeof input === 'string' ? parseStrictJson(input, 'the record') : parseStrictJsonBytes(input, 'the record');
  return parseEnvelope(parsed);
}
