import { checkDisclosure, fieldCommitment } from '../commitments/commitments.js';
import { decodeRecord, encodeRecord } from '../kafka/kafka-codec.js';
import { sealEntrySync } from '../entry/seal-entry.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner } from '../fixtures/test-department.js';
import { newSubjectKey } from './field-key.js';
import { entryFieldKey, openDisclosure, sealDisclosure, sealedFieldsOf } from './sealed-data.js';

const TYPE = 'gov.land.parcel.registered.v1';
const entry = sealEntrySync(
  {
    chain: 'land',
    seq: 4,
    prevhash: new Uint8Array(32),
    type: TYPE,
    subject: 'CAD-77-001',
    data: { cadastralNumber: 'CAD-77-001', landUse: 'agricultural', owners: [{ ownerId: 'person:0142', share: '1' }] },
    actor: 'clerk:7',
    time: new Date('2026-03-01T10:00:00.000Z'),
  },
  testSigner('land'),
);
const context = { chain: 'land', seq: 4, type: TYPE, hash: entry.envelope.hash };
const PUBLIC = ['cadastralNumber', 'landUse'];

describe('sealed data (issue #28)', () => {
  it('keeps public fields with their salts, seals the rest with no salt or value in clear, and still checks the datadigest', async () => {
    const subjectKey = newSubjectKey();
    const sealed = await sealDisclosure(entry.disclosure, context, PUBLIC, subjectKey);
    expect(Object.keys(sealed.fields).sort()).toEqual(PUBLIC);
    expect(Object.keys(sealed.salts).sort()).toEqual(PUBLIC);
    expect(sealedFieldsOf(sealed)).toEqual(['owners']);
    expect(sealed.withheld.owners).toBe(
      fieldCommitment(entry.disclosure.salts.owners!, 'owners', entry.disclosure.fields.owners),
    );
    const wire = new TextDecoder().decode(encodeRecord(entry.envelope, sealed).value);
    expect(wire).not.toContain('person:0142');
    expect(wire).not.toContain(entry.disclosure.salts.owners!);
    // No key needed to check the commitments: the envelope's digest holds.
    const decoded = decodeRecord({
      topic: 'gov.land.ledger.v2',
      key: 'CAD-77-001',
      value: encodeRecord(entry.envelope, sealed).value,
    });
    expect(() => checkDisclosure(decoded.disclosure!, entry.envelope.datadigest)).not.toThrow();
    expect(sealedFieldsOf(decoded.disclosure)).toEqual(['owners']);
  });

  it('opens exactly the fields it has keys for, checked against their commitments', async () => {
    const subjectKey = newSubjectKey();
    const sealed = await sealDisclosure(entry.disclosure, context, ['cadastralNumber'], subjectKey);
    expect(sealedFieldsOf(sealed)).toEqual(['landUse', 'owners']);
    const landUseKey = entryFieldKey(subjectKey, context, 'landUse');
    const opened = await openDisclosure(sealed, context, (field) => (field === 'landUse' ? landUseKey : undefined));
    expect(opened.opened).toEqual(['landUse']);
    expect(opened.refused).toEqual([]);
    expect(opened.disclosure.fields).toEqual({ cadastralNumber: 'CAD-77-001', landUse: 'agricultural' });
    expect(Object.keys(opened.disclosure.withheld)).toEqual(['owners']);
    expect(Object.keys(opened.disclosure.sealed ?? {})).toEqual(['owners']);
    expect(() => checkDisclosure(opened.disclosure, entry.envelope.datadigest)).not.toThrow();
  });

  it('refuses a key of another entry or subject, and a value sealed that is not the one committed', async () => {
    const subjectKey = newSubjectKey();
    const sealed = await sealDisclosure(entry.disclosure, context, PUBLIC, subjectKey);
    const otherSeq = entryFieldKey(subjectKey, { ...context, seq: 5 }, 'owners');
    const wrongSeq = await openDisclosure(sealed, context, () => otherSeq);
    expect(wrongSeq.refused.map((r) => [r.field, r.error.code])).toEqual([
      ['owners', ProtocolErrorCode.DECRYPTION_FAILED],
    ]);
    const otherSubject = entryFieldKey(newSubjectKey(), context, 'owners');
    expect((await openDisclosure(sealed, context, () => otherSubject)).opened).toEqual([]);
    // A dishonest owner seals another value than it signed: the commitment tells.
    const forged = await sealDisclosure(
      { ...entry.disclosure, fields: { ...entry.disclosure.fields, owners: [{ ownerId: 'person:9999', share: '1' }] } },
      context,
      PUBLIC,
      subjectKey,
    );
    const honestCommitments = { ...forged, withheld: sealed.withheld };
    const mismatch = await openDisclosure(honestCommitments, context, (field) =>
      entryFieldKey(subjectKey, context, field),
    );
    expect(mismatch.refused.map((r) => [r.field, r.error.code])).toEqual([
      ['owners', ProtocolErrorCode.DATA_COMMITMENT_MISMATCH],
    ]);
    expect(mismatch.disclosure.fields.owners).toBeUndefined();
  });

  it('refuses a sealed member without its commitment or not in the format', () => {
    const record = (data: unknown) => ({
      value: new TextEncoder().encode(JSON.stringify({ ...entry.envelope, data })),
    });
    const base = { fields: {}, salts: {}, withheld: {} };
    expect(() =>
      decodeRecord(
        record({
          ...base,
          sealed: { owners: { v: 1, alg: 'A256GCM', nonce: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(30) } },
        }),
      ),
    ).toThrow(/commitment in withheld/);
    expect(() =>
      decodeRecord(record({ ...base, withheld: { owners: 'a'.repeat(64) }, sealed: { owners: { v: 2 } } })),
    ).toThrow(/format version/);
  });
});
