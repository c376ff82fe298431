import { fromBase64, toBase64, utf8 } from './bytes.js';

describe('base64 (RFC 4648)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];

  it('encodes and decodes the RFC 4648 §10 test vectors', () => {
    for (const [text, encoded] of vectors) {
      expect(toBase64(utf8(text))).toBe(encoded);
      expect(fromBase64(encoded)).toEqual(utf8(text));
    }
  });

  it('encodes a view into a larger buffer by its own bytes only', () => {
    const whole = utf8('xxfooxx');
    expect(toBase64(whole.subarray(2, 5))).toBe('Zm9v');
  });

  it('refuses every other spelling of the same bytes', () => {
    expect(() => fromBase64('Zh==')).toThrow(/pad bits/); // 'f' with a non-zero pad bit
    expect(() => fromBase64('Zg')).toThrow(/not canonical/); // no padding
    expect(() => fromBase64('Zm9v\n')).toThrow(/not canonical/);
    expect(() => fromBase64('Zm-v')).toThrow(/not canonical/); // base64url is another alphabet
  });
});
