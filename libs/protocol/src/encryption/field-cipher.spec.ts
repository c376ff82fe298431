import fc from 'fast-check';

import { canonicalize } from '../canonical/canonicalize.js';
import { checkFullData, fieldCommitment } from '../commitments/commitments.js';
import { concatBytes, toBase64Url, utf8 } from '../encoding/bytes.js';
import { sealEntrySync } from '../entry/seal-entry.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { testSigner } from '../fixtures/test-department.js';
import { fromBase64UrlStrict, type FieldPath } from './encoding.js';
import {
  fieldAssociatedData,
  openField,
  sealField,
  type FieldCipherContext,
  type SealedField,
} from './field-cipher.js';
import { deriveFieldKey, newSubjectKey } from './field-key.js';

const TYPE = 'gov.land.parcel.registered.v1';
const entry = sealEntrySync(
  {
    chain: 'land',
    seq: 1,
    prevhash: new Uint8Array(32),
    type: TYPE,
    subject: 'CAD-77-001',
    data: { cadastralNumber: 'CAD-77-001', owner: 'person:0142', area: '1200.50' },
    actor: 'clerk:7',
    time: new Date('2026-03-01T10:00:00.000Z'),
  },
  testSigner('land'),
);
const subjectKey = newSubjectKey();
const at = (field: FieldPath): FieldCipherContext => ({ chain: 'land', seq: 1, field, hash: entry.envelope.hash });
const keyOf = (field: FieldPath, key = subjectKey, type = TYPE, seq = 1) =>
  deriveFieldKey(key, { chain: 'land', seq, type, field });
const owner = { salt: entry.disclosure.salts['owner']!, value: 'person:0142' };

async function refusal(act: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await act();
  } catch (error) {
    if (error instanceof ProtocolError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

function flipBit(text: string, byte: number): string {
  const bytes = fromBase64UrlStrict(text)!;
  bytes[byte] ^= 0x01;
  return toBase64Url(bytes);
}

const DECRYPTION_FAILED =
  'PROTOCOL.DECRYPTION_FAILED: data.owner: the field does not open: another key, another chain, seq, field or entry, or changed bytes';

describe('field encryption (AES-256-GCM, format v1)', () => {
  let sealed: SealedField;
  beforeAll(async () => {
    sealed = await sealField(keyOf('owner'), at('owner'), owner);
  });

  it('opens to the salt and value, which check against the commitments the owner signed', async () => {
    const opened: Record<string, unknown> = {};
    const salts: Record<string, string> = {};
    for (const [field, value] of Object.entries(entry.disclosure.fields)) {
      const box = await sealField(keyOf(field), at(field), { salt: entry.disclosure.salts[field]!, value });
      const { salt, value: back } = await openField(keyOf(field), at(field), box);
      opened[field] = back;
      salts[field] = salt;
    }
    expect(opened).toEqual({ cadastralNumber: 'CAD-77-001', owner: 'person:0142', area: '1200.50' });
    expect(() => checkFullData(opened, salts, entry.envelope.datadigest)).not.toThrow();
  });

  it('writes {v: 1, alg: A256GCM, nonce: 12 bytes, ct: plaintext + 16-byte tag}', () => {
    expect(Object.keys(sealed)).toEqual(['v', 'alg', 'nonce', 'ct']);
    expect(sealed.v).toBe(1);
    expect(sealed.alg).toBe('A256GCM');
    expect(fromBase64UrlStrict(sealed.nonce)!.length).toBe(12);
    expect(fromBase64UrlStrict(sealed.ct)!.length).toBe(utf8(canonicalize([owner.salt, owner.value])).length + 16);
  });

  it('shows neither the value nor the salt, in the bytes or in the record text', () => {
    const ct = fromBase64UrlStrict(sealed.ct)!;
    const record = JSON.stringify(sealed);
    const contains = (haystack: Uint8Array, needle: Uint8Array) =>
      Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;
    for (const secret of ['person:0142', '0142', owner.salt, canonicalize([owner.salt, owner.value])]) {
      expect(contains(ct, utf8(secret))).toBe(false);
      expect(record.includes(secret)).toBe(false);
    }
    expect(contains(ct, fromBase64UrlStrict(owner.salt)!)).toBe(false);
  });

  it('uses a fresh nonce each time it seals', async () => {
    const again = await sealField(keyOf('owner'), at('owner'), owner);
    expect(again.nonce).not.toBe(sealed.nonce);
    expect(again.ct).not.toBe(sealed.ct);
  });

  describe('refuses, with DECRYPTION_FAILED', () => {
    const cases: Array<[string, () => [Uint8Array, FieldCipherContext, unknown]]> = [
      [
        'a bit of the ciphertext flipped',
        () => [keyOf('owner'), at('owner'), { ...sealed, ct: flipBit(sealed.ct, 0) }],
      ],
      [
        'a bit of the tag flipped',
        () => [
          keyOf('owner'),
          at('owner'),
          { ...sealed, ct: flipBit(sealed.ct, fromBase64UrlStrict(sealed.ct)!.length - 1) },
        ],
      ],
      [
        'a bit of the nonce flipped',
        () => [keyOf('owner'), at('owner'), { ...sealed, nonce: flipBit(sealed.nonce, 11) }],
      ],
      [
        'the ciphertext truncated by one byte',
        () => [
          keyOf('owner'),
          at('owner'),
          { ...sealed, ct: toBase64Url(fromBase64UrlStrict(sealed.ct)!.subarray(0, -1)) },
        ],
      ],
      ['another chain in the AD', () => [keyOf('owner'), { ...at('owner'), chain: 'land/0' }, sealed]],
      ['another seq in the AD', () => [keyOf('owner'), { ...at('owner'), seq: 2 }, sealed]],
      ['another entry hash in the AD', () => [keyOf('owner'), { ...at('owner'), hash: 'f'.repeat(64) }, sealed]],
      ['another subject key', () => [keyOf('owner', newSubjectKey()), at('owner'), sealed]],
      [
        'the key of another type',
        () => [keyOf('owner', subjectKey, 'gov.land.parcel.transferred.v1'), at('owner'), sealed],
      ],
      ['the key of another seq', () => [keyOf('owner', subjectKey, TYPE, 2), at('owner'), sealed]],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const [key, context, box] = make();
      expect(await refusal(() => openField(key, context, box))).toEqual({
        code: 'PROTOCOL.DECRYPTION_FAILED',
        message: DECRYPTION_FAILED,
      });
    });

    it('another field in the AD (a value moved to another field)', async () => {
      expect((await refusal(() => openField(keyOf('owner'), at('area'), sealed))).code).toBe(
        'PROTOCOL.DECRYPTION_FAILED',
      );
      expect((await refusal(() => openField(keyOf('owner'), at(['owner', '0']), sealed))).message).toBe(
        'PROTOCOL.DECRYPTION_FAILED: data.owner.0: the field does not open: another key, another chain, seq, field or entry, or changed bytes',
      );
    });
  });

  describe('refuses what is not the wire format, with BAD_CIPHERTEXT', () => {
    const cases: Array<[string, () => unknown, string]> = [
      ['not an object', () => 'ct', 'must be an encrypted field {v, alg, nonce, ct}'],
      ['version 2', () => ({ ...sealed, v: 2 }), 'format version 2 is not 1'],
      ['another algorithm', () => ({ ...sealed, alg: 'A128GCM' }), 'algorithm "A128GCM" is not A256GCM'],
      ['an unknown member', () => ({ ...sealed, tag: 'x' }), "unknown member 'tag'"],
      [
        'an 11-byte nonce',
        () => ({ ...sealed, nonce: toBase64Url(new Uint8Array(11)) }),
        'nonce must be 12 bytes in base64url without padding',
      ],
      [
        'a ciphertext shorter than the tag',
        () => ({ ...sealed, ct: toBase64Url(fromBase64UrlStrict(sealed.ct)!.subarray(0, 15)) }),
        'ct is shorter than the 16-byte tag: truncated',
      ],
      ['padded base64', () => ({ ...sealed, ct: `${sealed.ct}=` }), 'ct must be base64url without padding'],
      [
        'standard base64',
        () => ({ ...sealed, ct: sealed.ct.replace(/-/g, '+') + '+' }),
        'ct must be base64url without padding',
      ],
    ];
    it.each(cases)('%s', async (_name, make, reason) => {
      expect(await refusal(() => openField(keyOf('owner'), at('owner'), make()))).toEqual({
        code: 'PROTOCOL.BAD_CIPHERTEXT',
        message: `PROTOCOL.BAD_CIPHERTEXT: data.owner: ${reason}`,
      });
    });

    it('a plaintext the field key opens but that is not canonical [salt, value] (a forged box)', async () => {
      const forge = async (text: string) => {
        const key = await crypto.subtle.importKey('raw', keyOf('owner'), 'AES-GCM', false, ['encrypt']);
        const nonce = new Uint8Array(12);
        const ct = await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv: nonce, additionalData: fieldAssociatedData(at('owner')) as Uint8Array<ArrayBuffer> },
          key,
          utf8(text),
        );
        return { v: 1, alg: 'A256GCM', nonce: toBase64Url(nonce), ct: toBase64Url(new Uint8Array(ct)) };
      };
      expect(
        (await refusal(async () => openField(keyOf('owner'), at('owner'), await forge(`[ "${owner.salt}","x"]`))))
          .message,
      ).toBe('PROTOCOL.BAD_CIPHERTEXT: data.owner: the opened field is not canonical JSON');
      expect(
        (await refusal(async () => openField(keyOf('owner'), at('owner'), await forge('["short","x"]')))).message,
      ).toBe('PROTOCOL.BAD_CIPHERTEXT: data.owner: the opened field is not [salt, value]');
    });
  });

  describe('refuses to seal', () => {
    it('with a key that is not 32 bytes', async () => {
      expect((await refusal(() => sealField(new Uint8Array(16), at('owner'), owner))).message).toBe(
        'PROTOCOL.BAD_ENCRYPTION_KEY: fieldKey: a field key is 32 bytes',
      );
    });

    it('a salt that is not a commitment salt', async () => {
      expect((await refusal(() => sealField(keyOf('owner'), at('owner'), { salt: 'abc', value: 'x' }))).message).toBe(
        'PROTOCOL.BAD_DISCLOSURE: data.owner: the salt is not a base64url salt of 16 or more bytes',
      );
    });

    it('a value the strict parser of the receiver would refuse', async () => {
      expect((await refusal(() => sealField(keyOf('owner'), at('owner'), { ...owner, value: 2 ** 60 }))).code).toBe(
        'PROTOCOL.BAD_JSON',
      );
    });

    it('a value with no JSON form', async () => {
      expect((await refusal(() => sealField(keyOf('owner'), at('owner'), { ...owner, value: Number.NaN }))).code).toBe(
        'PROTOCOL.BAD_DISCLOSURE',
      );
    });
  });

  it('opens what it sealed, and the commitment of what opened is the commitment of what was sealed (property)', async () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((text) => /^[a-z]+$/.test(text));
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 4 }),
      fc.dictionary(key, fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(value, async (sample) => {
        const box = await sealField(keyOf('owner'), at('owner'), { salt: owner.salt, value: sample });
        const back = await openField(keyOf('owner'), at('owner'), box);
        expect(canonicalize(back.value)).toBe(canonicalize(sample));
        expect(fieldCommitment(back.salt, 'owner', back.value)).toBe(fieldCommitment(owner.salt, 'owner', sample));
      }),
      { numRuns: 100 },
    );
  });

  it('binds the AD to the entry: lp(tag) ‖ lp(chain) ‖ lp(u64 seq) ‖ lp(path) ‖ lp(32-byte hash)', () => {
    const lp = (bytes: Uint8Array) => concatBytes(new Uint8Array([0, 0, 0, bytes.length]), bytes);
    const expected = concatBytes(
      lp(utf8('registry-bus/field-ad/v1')),
      lp(utf8('land')),
      lp(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1])),
      lp(lp(utf8('owner'))),
      lp(Buffer.from(entry.envelope.hash, 'hex')),
    );
    expect(fieldAssociatedData(at('owner'))).toEqual(expected);
  });
});
