import fc from 'fast-check';

import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { sealEntrySync } from '../entry/seal-entry.js';
import { testSigner } from '../fixtures/test-department.js';
import { decodeRecord, encodeRecord } from '../kafka/kafka-codec.js';
import { decodeEnvelope } from './decode-envelope.js';

const sealed = sealEntrySync(
  {
    chain: 'land',
    seq: 3,
    prevhash: new Uint8Array(32).fill(7),
    type: 'gov.land.parcel.transferred.v1',
    subject: 'CAD-1',
    data: { to: 'person:9' },
    actor: 'clerk:1',
  },
  testSigner('land'),
);
const good = JSON.parse(new TextDecoder().decode(encodeRecord(sealed.envelope, sealed.disclosure).value)) as Record<
  string,
  unknown
>;

function failure(value: unknown): ProtocolError {
  try {
    decodeEnvelope(JSON.stringify(value));
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('decoded');
}

describe('strict envelope decoding', () => {
  it.each([
    ['id', 'not-a-uuid'],
    ['source', 'urn:gov:Land'],
    ['type', 'gov.land.parcel.transferred'],
    ['type', 'gov.court.parcel.transferred.v1'],
    ['time', '2026-13-01T00:00:00Z'],
    ['time', '2026-02-30T00:00:00Z'],
    ['seq', '007'],
    ['seq', '99999999999999999'],
    ['prevhash', 'ABCDEF'],
    ['hash', 'x'.repeat(64)],
    ['sig', 'not base64'],
    ['chain', 'court'],
    ['specversion', '0.3'],
    ['datacontenttype', 'text/plain'],
    ['seq', 3],
    ['time', '2026-01-01T00:00:60Z'],
    ['time', '2026-01-01T00:00:00+24:00'],
    ['subject', 'CAD\u00071'],
    ['actor', 'reaction:not-a-uuid'],
    ['keyid', 'has space'],
    // A signature re-spelled with non-zero pad bits decodes to the same bytes; only one spelling is accepted.
    ['sig', `${String(good.sig).slice(0, 85)}B==`],
  ])('names %s when it is %j', (attribute, value) => {
    const error = failure({ ...good, [attribute]: value });
    expect(error.code).toBe(ProtocolErrorCode.BAD_ATTRIBUTE);
    expect(error.attribute).toBe(attribute);
  });

  it('seals only what it would decode: a bad subject is refused before signing', () => {
    expect(() =>
      sealEntrySync(
        {
          chain: 'land',
          seq: 1,
          prevhash: new Uint8Array(32),
          type: 'gov.land.parcel.registered.v1',
          subject: 'a\nb',
          data: {},
          actor: 'clerk:1',
        },
        testSigner('land'),
      ),
    ).toThrow(expect.objectContaining({ attribute: 'subject' }) as Error);
  });

  it('refuses seq 1 with a prevhash other than 64 zeros', () => {
    expect(failure({ ...good, seq: '1' }).attribute).toBe('prevhash');
  });

  it('refuses attributes outside CloudEvents and our extensions', () => {
    const error = failure({ ...good, dataschema: 'x' });
    expect(error.code).toBe(ProtocolErrorCode.UNKNOWN_ATTRIBUTE);
    expect(error.attribute).toBe('dataschema');
  });

  it('names a missing attribute', () => {
    const { actor: _actor, ...rest } = good;
    expect(failure(rest)).toMatchObject({ code: ProtocolErrorCode.BAD_ATTRIBUTE, attribute: 'actor' });
  });

  it('gives only ProtocolError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => decodeRecord({ value: bytes })).toThrow(ProtocolError);
      }),
      { numRuns: 500 },
    );
  });

  it('gives only ProtocolError (or success) for mutated envelopes', () => {
    const keys = Object.keys(good);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), fc.boolean(), (key, value, drop) => {
        const mutated: Record<string, unknown> = { ...good };
        if (drop) delete mutated[key];
        else mutated[key] = value;
        try {
          decodeRecord({ value: new TextEncoder().encode(JSON.stringify(mutated) ?? 'null') });
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives only ProtocolError for truncated and byte-flipped records', () => {
    const bytes = encodeRecord(sealed.envelope, sealed.disclosure).value;
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 255 }), fc.boolean(), (position, byte, truncate) => {
        const mutated = truncate ? bytes.slice(0, position) : bytes.map((b, i) => (i === position ? byte : b));
        try {
          decodeRecord({ value: mutated });
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
