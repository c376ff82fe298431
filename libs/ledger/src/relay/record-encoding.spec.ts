import {
  checkDisclosure,
  decodeRecord,
  entryFieldKey,
  newSubjectKey,
  openDisclosure,
  sealEntrySync,
  testSigner,
} from '@registry-bus/protocol';

import {
  IDEMPOTENCY_HEADER,
  decodeIdempotency,
  encodeIdempotency,
  encodeSealedEntry,
  encodeStoredEntry,
  openIdempotencyHeader,
} from './record-encoding.js';
import type { StoredEntry } from './stored-entry.js';

describe('the idempotency header', () => {
  const idempotency = { key: 'k-1', requestDigest: new Uint8Array(32).fill(0xab), firstSeq: 7 };

  it('reads back what it wrote', () => {
    expect(decodeIdempotency(encodeIdempotency(idempotency))).toEqual({
      key: 'k-1',
      requestDigest: Buffer.from(idempotency.requestDigest),
      firstSeq: 7,
    });
  });

  it('takes a header that repeats a key, or carries __proto__, as not one of ours', () => {
    const header = encodeIdempotency(idempotency);
    expect(decodeIdempotency(header.replace('"key":"k-1"', '"key":"k-1","key":"k-2"'))).toBeUndefined();
    expect(decodeIdempotency(header.replace('"key":"k-1"', '"key":"k-1","__proto__":{}'))).toBeUndefined();
    expect(decodeIdempotency('{"a":1,"a":2}')).toBeUndefined();
  });
});

describe('a stored entry sealed for the topic (issue #28)', () => {
  const signer = testSigner('land');
  const sealedEntry = sealEntrySync(
    {
      chain: 'land',
      seq: 3,
      prevhash: new Uint8Array(32),
      type: 'gov.land.parcel.registered.v1',
      subject: 'CAD-77-001',
      data: { cadastralNumber: 'CAD-77-001', owners: [{ ownerId: 'person:0142', share: '1' }] },
      actor: 'clerk:7',
      time: new Date('2026-03-01T10:00:00.000Z'),
    },
    signer,
  );
  const stored: StoredEntry = {
    chain: 'land',
    seq: 3,
    id: sealedEntry.envelope.id,
    type: sealedEntry.envelope.type,
    subject: 'CAD-77-001',
    time: new Date(sealedEntry.envelope.time),
    hash: sealedEntry.hash,
    envelope: sealedEntry.canonical,
    sig: sealedEntry.sig,
    keyid: sealedEntry.envelope.keyid,
    disclosure: sealedEntry.disclosureBytes,
    idempotency: { key: 'http:clerk:7:person:0142-request', requestDigest: new Uint8Array(32).fill(7), firstSeq: 3 },
  };
  const context = { chain: 'land', seq: 3, type: stored.type, hash: stored.hash };

  it('keeps the public fields and the envelope, and carries neither a sealed value nor its salt nor the key in clear', async () => {
    const subjectKey = newSubjectKey();
    const record = await encodeSealedEntry(stored, { subjectKey, publicFields: ['cadastralNumber'] });
    const plain = encodeStoredEntry(stored);
    const text = `${record.key} ${new TextDecoder().decode(record.value)} ${JSON.stringify(record.headers)}`;
    expect(text).not.toContain('person:0142');
    expect(text).not.toContain(sealedEntry.disclosure.salts.owners!);
    const decoded = decodeRecord({ topic: 'gov.land.ledger.v2', ...record });
    expect(decoded.envelope).toEqual(decodeRecord({ topic: 'gov.land.ledger.v2', ...plain }).envelope);
    expect(decoded.disclosure!.fields).toEqual({ cadastralNumber: 'CAD-77-001' });
    expect(() => checkDisclosure(decoded.disclosure!, sealedEntry.envelope.datadigest)).not.toThrow();
    const opened = await openDisclosure(decoded.disclosure!, context, (field) =>
      entryFieldKey(subjectKey, context, field),
    );
    expect(opened.disclosure.fields).toEqual(sealedEntry.disclosure.fields);
    expect(await openIdempotencyHeader(record.headers[IDEMPOTENCY_HEADER], context, subjectKey)).toEqual({
      key: 'http:clerk:7:person:0142-request',
      requestDigest: Buffer.from(new Uint8Array(32).fill(7)),
      firstSeq: 3,
    });
  });

  it('opens its idempotency header with its own subject key only, and still reads a plain one', async () => {
    const record = await encodeSealedEntry(stored, { subjectKey: newSubjectKey(), publicFields: [] });
    await expect(openIdempotencyHeader(record.headers[IDEMPOTENCY_HEADER], context, newSubjectKey())).rejects.toThrow(
      'the field does not open',
    );
    await expect(openIdempotencyHeader(record.headers[IDEMPOTENCY_HEADER], context, undefined)).rejects.toThrow(
      'the idempotency header of land/3 is sealed and no subject key opens it',
    );
    const plain = encodeStoredEntry(stored).headers[IDEMPOTENCY_HEADER];
    expect((await openIdempotencyHeader(plain, context, undefined))?.key).toBe('http:clerk:7:person:0142-request');
  });

  it('is the plain record when every field is public', async () => {
    const record = await encodeSealedEntry(
      { ...stored, idempotency: undefined },
      { subjectKey: newSubjectKey(), publicFields: ['cadastralNumber', 'owners'] },
    );
    expect(new TextDecoder().decode(record.value)).toBe(
      new TextDecoder().decode(encodeStoredEntry({ ...stored, idempotency: undefined }).value),
    );
  });
});
