import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import {
  BASE64_SIG_PATTERN,
  CHAIN_PATTERN,
  GENESIS_PREVHASH_HEX,
  HASHED_ATTRIBUTES,
  HEX32_PATTERN,
  RFC3339_PATTERN,
  SEQ_PATTERN,
  SIGNATURE_ATTRIBUTES,
  SOURCE_PATTERN,
  TYPE_PATTERN,
  UUID_PATTERN,
  type SignedEnvelope,
} from './envelope.js';

const ALLOWED = new Set<string>([...HASHED_ATTRIBUTES, ...SIGNATURE_ATTRIBUTES, 'data']);

const bad = (attribute: string, reason: string) =>
  new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, reason, attribute);

function text(object: Record<string, unknown>, name: string): string {
  const value = object[name];
  if (value === undefined) throw bad(name, 'is required');
  if (typeof value !== 'string') throw bad(name, `must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

function matching(object: Record<string, unknown>, name: string, pattern: RegExp, what: string): string {
  const value = text(object, name);
  if (!pattern.test(value)) throw bad(name, `must be ${what}, got ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

function validTime(value: string): boolean {
  const match = RFC3339_PATTERN.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= days &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 60 &&
    !Number.isNaN(Date.parse(value))
  );
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
        name,
      );
    }
  }
  if (text(object, 'specversion') !== '1.0') throw bad('specversion', 'must be "1.0"');
  const id = matching(object, 'id', UUID_PATTERN, 'a lower-case UUID');
  const source = matching(object, 'source', SOURCE_PATTERN, 'urn:gov:<dept>');
  const type = matching(object, 'type', TYPE_PATTERN, 'gov.<dept>.<aggregate>.<event>.v<N>');
  const time = text(object, 'time');
  if (!validTime(time)) throw bad('time', `must be an RFC 3339 timestamp, got ${JSON.stringify(time.slice(0, 40))}`);
  if (text(object, 'datacontenttype') !== 'application/json')
    throw bad('datacontenttype', 'must be "application/json"');
  const subject = text(object, 'subject');
  if (subject.length === 0 || subject.length > 200) throw bad('subject', 'must be 1 to 200 characters');
  const chain = matching(object, 'chain', CHAIN_PATTERN, '<dept> or <dept>/<shard>');
  const seq = matching(object, 'seq', SEQ_PATTERN, 'a decimal string of a positive integer without leading zeros');
  if (!Number.isSafeInteger(Number(seq))) throw bad('seq', 'must be at most 2^53 - 1');
  const prevhash = matching(object, 'prevhash', HEX32_PATTERN, '64 lower-case hex digits');
  if (seq === '1' && prevhash !== GENESIS_PREVHASH_HEX) throw bad('prevhash', 'of seq 1 must be 64 zeros');
  const datadigest = matching(object, 'datadigest', HEX32_PATTERN, '64 lower-case hex digits');
  const actor = text(object, 'actor');
  if (actor.length === 0 || actor.length > 200) throw bad('actor', 'must be 1 to 200 characters');
  const hash = matching(object, 'hash', HEX32_PATTERN, '64 lower-case hex digits');
  const sig = matching(object, 'sig', BASE64_SIG_PATTERN, 'a base64 Ed25519 signature (64 bytes)');
  const keyid = text(object, 'keyid');
  if (keyid.length === 0 || keyid.length > 100) throw bad('keyid', 'must be 1 to 100 characters');

  const department = SOURCE_PATTERN.exec(source)![1]!;
  if (TYPE_PATTERN.exec(type)![1] !== department)
    throw bad('type', `must belong to the source's department '${department}'`);
  if (CHAIN_PATTERN.exec(chain)![1] !== department)
    throw bad('chain', `must be a chain of the source's department '${department}'`);

  const envelope: SignedEnvelope = {
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
    hash,
    sig,
    keyid,
  };
  return { envelope, data: object.data };
}

/** Bytes or text of a structured-mode CloudEvent → envelope. Throws only ProtocolError. */
export function decodeEnvelope(input: Uint8Array | string): { envelope: SignedEnvelope; data: unknown } {
  let textValue: string;
  try {
    textValue = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.BAD_JSON, 'the record is not UTF-8 text');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch (error) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_JSON,
      `not JSON: ${error instanceof Error ? error.message : 'parse error'}`,
    );
  }
  return parseEnvelope(parsed);
}
