import fc from 'fast-check';

import { fromHex, toHex } from '../encoding/bytes.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { deriveFieldKey, fieldKeyInfo, hkdfSha256, newSubjectKey, type FieldKeyContext } from './field-key.js';

const SUBJECT_KEY = new Uint8Array(32).map((_, i) => i);
const CONTEXT: FieldKeyContext = { chain: 'land', seq: 7, type: 'gov.land.parcel.registered.v1', field: 'owner' };

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof ProtocolError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('HKDF-SHA256 against RFC 5869 Appendix A', () => {
  it('A.1, basic', () => {
    const okm = hkdfSha256(
      fromHex('0b'.repeat(22)),
      fromHex('000102030405060708090a0b0c'),
      fromHex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('A.2, longer inputs and outputs', () => {
    const range = (from: number) => new Uint8Array(80).map((_, i) => from + i);
    const okm = hkdfSha256(range(0x00), range(0x60), range(0xb0), 82);
    expect(toHex(okm)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  it('A.3, zero-length salt and info (the field key uses an empty salt)', () => {
    const okm = hkdfSha256(fromHex('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });
});

describe('field keys', () => {
  it('write the info as docs/PROTOCOL.md states it, byte for byte', () => {
    expect(toHex(fieldKeyInfo(CONTEXT))).toBe(
      '00000019' +
        toHex(new TextEncoder().encode('registry-bus/field-key/v1')) +
        '00000004' +
        '6c616e64' + // land
        '00000008' +
        '0000000000000007' +
        '0000001d' +
        toHex(new TextEncoder().encode('gov.land.parcel.registered.v1')) +
        '00000009' +
        '00000005' +
        '6f776e6572', // owner
    );
  });

  it('derive the value openssl kdf gives for the same inputs (pinned)', () => {
    expect(toHex(deriveFieldKey(SUBJECT_KEY, CONTEXT))).toBe(
      '8a1932cb0c3e7909990cfe20b7cc80bf6e5088290965c74413f68cd27f02476d',
    );
  });

  it('differ for every other chain, seq, type, field, part of a field and subject key', () => {
    const variants: Array<[Uint8Array, FieldKeyContext]> = [
      [SUBJECT_KEY, CONTEXT],
      [SUBJECT_KEY, { ...CONTEXT, chain: 'land/0' }],
      [SUBJECT_KEY, { ...CONTEXT, chain: 'credit' }],
      [SUBJECT_KEY, { ...CONTEXT, seq: 8 }],
      [SUBJECT_KEY, { ...CONTEXT, type: 'gov.land.parcel.transferred.v1' }],
      [SUBJECT_KEY, { ...CONTEXT, field: 'area' }],
      [SUBJECT_KEY, { ...CONTEXT, field: ['owner', '0'] }],
      [SUBJECT_KEY, { ...CONTEXT, field: ['owner', '1'] }],
      [newSubjectKey(), CONTEXT],
    ];
    const keys = variants.map(([subjectKey, context]) => toHex(deriveFieldKey(subjectKey, context)));
    expect(new Set(keys).size).toBe(variants.length);
  });

  it('are the same for the same subject key and context (the owner derives them again, never stores them)', () => {
    expect(deriveFieldKey(SUBJECT_KEY, CONTEXT)).toEqual(deriveFieldKey(new Uint8Array(SUBJECT_KEY), { ...CONTEXT }));
  });

  it('refuse a subject key that is not 32 bytes', () => {
    expect(refusal(() => deriveFieldKey(new Uint8Array(31), CONTEXT))).toBe(
      'PROTOCOL.BAD_ENCRYPTION_KEY: subjectKey: a subject key is 32 bytes',
    );
  });

  it('refuse a chain, type or seq that is not one', () => {
    expect(refusal(() => fieldKeyInfo({ ...CONTEXT, chain: 'a|b' }))).toBe(
      "PROTOCOL.BAD_ATTRIBUTE: chain: 'a|b' is not a chain id (<dept> or <dept>/<shard>)",
    );
    expect(refusal(() => fieldKeyInfo({ ...CONTEXT, type: 'parcel.registered' }))).toBe(
      'PROTOCOL.BAD_ATTRIBUTE: type: must be gov.<dept>.<aggregate>.<event>.v<N>',
    );
    expect(refusal(() => fieldKeyInfo({ ...CONTEXT, seq: 0 }))).toBe(
      'PROTOCOL.BAD_ATTRIBUTE: seq: must be an integer from 1 to 2^53 − 1',
    );
  });

  it('have one info per context: two contexts share an info only when they are equal (property)', () => {
    const segment = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', '|', '.', '\u0000', 'é') });
    const context = fc.record({
      chain: fc.constantFrom('land', 'land/1', 'land/12', 'credit'),
      seq: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      type: fc.constantFrom('gov.land.parcel.registered.v1', 'gov.land.parcel.registered.v2'),
      field: fc.array(segment, { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(context, context, (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        expect(toHex(fieldKeyInfo(a)) === toHex(fieldKeyInfo(b))).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
