import { toHex, utf8 } from '../encoding/bytes.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  entryHashBytes,
  fieldPathBytes,
  fieldSegments,
  fromBase64UrlStrict,
  lengthPrefixed,
  seqBytes,
  tuple,
} from './encoding.js';

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof ProtocolError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('the length-prefixed encoding of the encrypted-data format', () => {
  it('frames an element as a 4-byte big-endian length and its bytes', () => {
    expect(toHex(lengthPrefixed(utf8('ab')))).toBe('000000026162');
    expect(toHex(lengthPrefixed(new Uint8Array(0)))).toBe('00000000');
  });

  it('keeps chain "a|b" then "c" apart from "a" then "b|c"', () => {
    const sut = (x: string, y: string) => toHex(tuple(utf8(x), utf8(y)));
    expect(sut('a|b', 'c')).toBe('00000003617c62' + '0000000163');
    expect(sut('a', 'b|c')).toBe('0000000161' + '00000003627c63');
  });

  it('writes a seq as 8 bytes big-endian, up to 2^53 − 1', () => {
    expect(toHex(seqBytes(1))).toBe('0000000000000001');
    expect(toHex(seqBytes(Number.MAX_SAFE_INTEGER))).toBe('001fffffffffffff');
  });

  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN])('refuses seq %p', (seq) => {
    expect(refusal(() => seqBytes(seq))).toBe('PROTOCOL.BAD_ATTRIBUTE: seq: must be an integer from 1 to 2^53 − 1');
  });

  it('encodes a field path as a tuple of its segments, a bare name as a path of one', () => {
    expect(toHex(fieldPathBytes('owner'))).toBe('000000056f776e6572');
    expect(fieldPathBytes(['owner'])).toEqual(fieldPathBytes('owner'));
    expect(toHex(fieldPathBytes(['owners', '1']))).toBe('000000066f776e657273' + '0000000131');
  });

  it('keeps ["a", "b"] apart from ["a.b"] and ["a\\u0000b"]', () => {
    const encodings = [['a', 'b'], ['a.b'], ['a\u0000b'], ['ab']].map((path) => toHex(fieldPathBytes(path)));
    expect(new Set(encodings).size).toBe(4);
  });

  it.each([
    [[], 'a field path has 1 to 8 segments'],
    [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], 'a field path has 1 to 8 segments'],
    [[''], 'a field path segment is a non-empty string'],
    [['owner', '\ud800'], 'a field path segment has a lone surrogate'],
    [['x'.repeat(257)], 'a field path segment is at most 256 bytes'],
  ])('refuses the field path %j', (path, reason) => {
    expect(refusal(() => fieldSegments(path))).toBe(`PROTOCOL.BAD_ATTRIBUTE: field: ${reason}`);
  });

  it('takes a 256-byte segment and a surrogate pair', () => {
    expect(fieldSegments(['x'.repeat(256), '\ud83d\ude00'])).toEqual(['x'.repeat(256), '\ud83d\ude00']);
  });

  it('reads an entry hash only as 64 lower-case hex', () => {
    expect(toHex(entryHashBytes('ab'.repeat(32)))).toBe('ab'.repeat(32));
    expect(refusal(() => entryHashBytes('AB'.repeat(32)))).toBe(
      'PROTOCOL.BAD_ATTRIBUTE: hash: must be 64 lower-case hex characters',
    );
    expect(refusal(() => entryHashBytes('ab'.repeat(31)))).toBe(
      'PROTOCOL.BAD_ATTRIBUTE: hash: must be 64 lower-case hex characters',
    );
  });

  describe('strict base64url', () => {
    it('reads the one unpadded spelling of a byte string', () => {
      expect(fromBase64UrlStrict('AQ')).toEqual(new Uint8Array([1]));
      expect(fromBase64UrlStrict('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
      expect(fromBase64UrlStrict('')).toEqual(new Uint8Array(0));
    });

    it.each(['AQ==', 'AR', '+/8', 'A', 'AQ.', 42])('refuses %p', (text) => {
      expect(fromBase64UrlStrict(text)).toBeUndefined();
    });
  });
});
