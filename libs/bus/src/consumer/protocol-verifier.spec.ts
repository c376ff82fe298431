import {
  EventTypeRegistry,
  encodeRecord,
  newSubjectKey,
  nodeSigner,
  sealDisclosure,
  sealEntrySync,
  testSigner,
  testTrustBundle,
} from '@registry-bus/protocol';

import { protocolVerifier } from './protocol-verifier.js';

const land = testSigner('land', 'key-1', nodeSigner);
const TYPE = 'gov.land.parcel.registered.v1';
const entry = sealEntrySync(
  {
    chain: 'land',
    seq: 1,
    prevhash: new Uint8Array(32),
    type: TYPE,
    subject: 'CAD-77-001',
    data: { cadastralNumber: 'CAD-77-001', owners: [{ ownerId: 'person:0142', share: '1' }] },
    actor: 'clerk:7',
    time: new Date('2026-03-01T10:00:00.000Z'),
  },
  land,
);
const verifier = protocolVerifier({
  trustBundle: () => testTrustBundle({ land: [land] }),
  registry: new EventTypeRegistry([]),
});

describe("the follower's protocol checks keep a disclosure's three members only", () => {
  it('stores no sealed ciphertext it cannot open: a department cannot park blobs in its followers (issue #28)', async () => {
    const sealed = await sealDisclosure(
      entry.disclosure,
      { chain: 'land', seq: 1, type: TYPE, hash: entry.envelope.hash },
      ['cadastralNumber'],
      newSubjectKey(),
    );
    const record = encodeRecord(entry.envelope, sealed);
    const verified = verifier.verify({ topic: 'gov.land.ledger.v2', partition: 0, offset: '0', ...record } as never);
    expect(Object.keys(verified.disclosure!)).toContain('sealed');

    for (const fields of ['all', ['cadastralNumber']] as const) {
      const kept = verifier.checkData(verified, fields);
      expect(Object.keys(kept).sort()).toEqual(['fields', 'salts', 'withheld']);
      expect(kept.fields).toEqual({ cadastralNumber: 'CAD-77-001' });
      expect(Object.keys(kept.withheld)).toEqual(['owners']);
      expect(JSON.stringify(kept)).not.toContain(sealed.sealed.owners!.ct.slice(0, 40));
    }
  });

  it('hands a whole plaintext disclosure on as it arrived, and redacts to the granted fields', () => {
    const verified = verifier.verify({
      topic: 'gov.land.ledger.v2',
      partition: 0,
      offset: '0',
      ...encodeRecord(entry.envelope, entry.disclosure),
    } as never);
    expect(verifier.checkData(verified, 'all')).toEqual(entry.disclosure);
    const redacted = verifier.checkData(verified, ['cadastralNumber']);
    expect(redacted.fields).toEqual({ cadastralNumber: 'CAD-77-001' });
    expect(redacted.salts).toEqual({ cadastralNumber: entry.disclosure.salts.cadastralNumber });
    expect(Object.keys(redacted.withheld)).toEqual(['owners']);
  });
});
