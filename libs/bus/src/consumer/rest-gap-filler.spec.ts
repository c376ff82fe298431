import { encodeRecord, nodeSigner, sealEntrySync, testSigner } from '@registry-bus/protocol';

import { restGapFiller } from './rest-gap-filler.js';

const land = testSigner('land', 'key-1', nodeSigner);
const first = sealEntrySync(
  {
    chain: 'land',
    seq: 1,
    prevhash: new Uint8Array(32),
    type: 'gov.land.parcel.registered.v1',
    subject: 'P-1',
    data: { parcelId: 'P-1' },
    actor: 'c',
  },
  land,
);

describe('restGapFiller', () => {
  it("asks the owner's entries endpoint for the missing range and returns ledger records", async () => {
    const calls: string[] = [];
    const sut = restGapFiller({
      owners: { land: 'http://127.0.0.1:3001' },
      fetch: (async (url: string) => {
        calls.push(url);
        return new Response(JSON.stringify({ entries: [{ envelope: first.envelope, data: first.disclosure }] }));
      }) as typeof fetch,
    });
    const records = await sut.fetch('land', 1, 3);
    expect(calls).toEqual(['http://127.0.0.1:3001/v1/ledger/entries?after=0&limit=3']);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ topic: 'gov.land.ledger.v2', partition: 0, key: 'P-1' });
    expect(records[0]!.value).toEqual(encodeRecord(first.envelope, first.disclosure).value);
  });

  it('fails clearly when the owner is unknown or answers an error', async () => {
    const sut = restGapFiller({
      owners: {},
      fetch: (async () => new Response('', { status: 503 })) as unknown as typeof fetch,
    });
    await expect(sut.fetch('land', 1, 1)).rejects.toThrow(/no owner URL is configured for department 'land'/);
    const failing = restGapFiller({
      owners: { land: 'http://x' },
      fetch: (async () => new Response('', { status: 503 })) as unknown as typeof fetch,
    });
    await expect(failing.fetch('land', 1, 1)).rejects.toThrow(/answered 503/);
  });
});
