import { checkDisclosure, redact } from '../commitments/commitments.js';
import { toBase64 } from '../encoding/bytes.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { decodeRecord, encodeRecord } from '../kafka/kafka-codec.js';
import { verifyEd25519Node } from '../node/node-ed25519.js';
import { sealEntrySync } from './seal-entry.js';
import { verifyEnvelope } from './verify-entry.js';

const land = testSigner('land');
const court = testSigner('court');
const bundle = testTrustBundle({ land: [land], court: [court] });
const input = {
  chain: 'land',
  seq: 1,
  prevhash: new Uint8Array(32),
  type: 'gov.land.parcel.registered.v1',
  subject: 'CAD-77-001',
  data: { parcelId: 'CAD-77-001', area: '1200.50', owner: 'person:42' },
  actor: 'clerk:7',
  time: new Date('2026-11-24T10:00:00.000Z'),
};

function errorCode(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('entry round trip: build → commit → hash → sign → encode → decode → verify → check data', () => {
  const sealed = sealEntrySync(input, land);

  it('verifies end to end with both Ed25519 implementations', () => {
    const decoded = decodeRecord({ topic: 'gov.land.ledger.v2', ...encodeRecord(sealed.envelope, sealed.disclosure) });
    expect(decoded.envelope).toEqual(sealed.envelope);
    expect(verifyEnvelope(decoded.envelope, bundle).hash).toEqual(sealed.hash);
    expect(verifyEnvelope(decoded.envelope, bundle, verifyEd25519Node).hash).toEqual(sealed.hash);
    expect(() => checkDisclosure(decoded.disclosure!, decoded.envelope.datadigest)).not.toThrow();
    expect(decoded.disclosure!.fields).toEqual(input.data);
  });

  it('starts a chain with 64 zeros and links the next entry to the previous hash', () => {
    expect(sealed.envelope.prevhash).toBe('0'.repeat(64));
    const next = sealEntrySync({ ...input, seq: 2, prevhash: sealed.hash }, land);
    expect(next.envelope.prevhash).toBe(sealed.envelope.hash);
  });

  it('keeps salts out of the hashed bytes', () => {
    const text = new TextDecoder().decode(sealed.canonical);
    for (const salt of Object.values(sealed.disclosure.salts)) expect(text).not.toContain(salt);
    expect(text).not.toContain('person:42');
  });

  it.each(['id', 'source', 'type', 'time', 'subject', 'chain', 'seq', 'prevhash', 'datadigest', 'actor'] as const)(
    'changing %s fails with HASH_MISMATCH (or a bad attribute)',
    (attribute) => {
      const value = sealed.envelope[attribute];
      const changed = { ...sealed.envelope, [attribute]: value.replace(/.$/, (c) => (c === '1' ? '2' : '1')) };
      const code = errorCode(() => verifyEnvelope(changed, bundle));
      expect([
        ProtocolErrorCode.HASH_MISMATCH,
        ProtocolErrorCode.BAD_ATTRIBUTE,
        ProtocolErrorCode.KEY_WRONG_DEPARTMENT,
      ]).toContain(code);
    },
  );

  it('a signature by another key of the right name fails with BAD_SIGNATURE', () => {
    const forged = sealEntrySync(input, { ...testSigner('land', 'stolen'), keyId: land.keyId });
    expect(errorCode(() => verifyEnvelope(forged.envelope, bundle))).toBe(ProtocolErrorCode.BAD_SIGNATURE);
  });

  it('a changed signature byte fails with BAD_SIGNATURE', () => {
    const sig = Uint8Array.from(sealed.sig);
    sig[10]! ^= 1;
    expect(errorCode(() => verifyEnvelope({ ...sealed.envelope, sig: toBase64(sig) }, bundle))).toBe(
      ProtocolErrorCode.BAD_SIGNATURE,
    );
  });

  it('an unknown key, another department key, a revoked key and an expired key fail with their reason', () => {
    expect(errorCode(() => verifyEnvelope(sealEntrySync(input, testSigner('land', 'unknown')).envelope, bundle))).toBe(
      ProtocolErrorCode.UNKNOWN_KEY,
    );
    expect(errorCode(() => verifyEnvelope({ ...sealEntrySync(input, court).envelope }, bundle))).toBe(
      ProtocolErrorCode.KEY_WRONG_DEPARTMENT,
    );
    const revoked = structuredClone(bundle);
    revoked.departments[0]!.keys[0]!.revokedAt = '2026-06-01T00:00:00.000Z';
    expect(errorCode(() => verifyEnvelope(sealed.envelope, revoked))).toBe(ProtocolErrorCode.KEY_REVOKED);
    const expired = structuredClone(bundle);
    expired.departments[0]!.keys[0]!.validUntil = '2026-01-01T00:00:00.000Z';
    expect(errorCode(() => verifyEnvelope(sealed.envelope, expired))).toBe(ProtocolErrorCode.KEY_NOT_VALID_AT_TIME);
  });

  it('a redacted record still verifies, and a forged field in it fails its data check', () => {
    const view = redact(sealed.disclosure, ['parcelId']);
    const decoded = decodeRecord(encodeRecord(sealed.envelope, view));
    expect(() => verifyEnvelope(decoded.envelope, bundle)).not.toThrow();
    expect(() => checkDisclosure(decoded.disclosure!, decoded.envelope.datadigest)).not.toThrow();
    const forged = { ...view, fields: { parcelId: 'CAD-77-999' } };
    expect(errorCode(() => checkDisclosure(forged, sealed.envelope.datadigest))).toBe(
      ProtocolErrorCode.DATA_COMMITMENT_MISMATCH,
    );
  });

  it('a changed value or salt fails with DATA_COMMITMENT_MISMATCH', () => {
    const value = { ...sealed.disclosure, fields: { ...sealed.disclosure.fields, owner: 'person:43' } };
    const salt = { ...sealed.disclosure, salts: { ...sealed.disclosure.salts, owner: 'B'.repeat(22) } };
    expect(errorCode(() => checkDisclosure(value, sealed.envelope.datadigest))).toBe(
      ProtocolErrorCode.DATA_COMMITMENT_MISMATCH,
    );
    expect(errorCode(() => checkDisclosure(salt, sealed.envelope.datadigest))).toBe(
      ProtocolErrorCode.DATA_COMMITMENT_MISMATCH,
    );
  });
});
