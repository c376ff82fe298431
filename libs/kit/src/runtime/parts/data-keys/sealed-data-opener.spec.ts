import { GrantPolicy } from '@registry-bus/access';
import type { QueryClient, QueryReply, VerifiedEntry } from '@registry-bus/bus';
import {
  encryptionKeyId,
  entryFieldKey,
  generateEncryptionKeyPair,
  newSubjectKey,
  sealDisclosure,
  sealEntrySync,
  sealKeyRelease,
  testSigner,
} from '@registry-bus/protocol';

import { sealedDataOpener } from './sealed-data-opener.js';

const TYPE = 'gov.land.parcel.registered.v1';
const GRANT = 'gov.land.access.grant-issued.v1';
const land = testSigner('land');
const subjectKey = newSubjectKey();
const credit = generateEncryptionKeyPair();
const creditKey = {
  keyId: encryptionKeyId('credit', credit.publicKey),
  department: 'credit',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...credit,
};
const time = new Date('2026-03-01T10:00:00.000Z');

/** A registration of land at `seq`, its owners sealed as the relay seals them. */
async function registration(seq: number): Promise<VerifiedEntry> {
  const sealed = sealEntrySync(
    {
      chain: 'land',
      seq,
      prevhash: new Uint8Array(32),
      type: TYPE,
      subject: `CAD-${seq}`,
      data: { cadastralNumber: `CAD-${seq}`, owners: [{ ownerId: `person:${seq}`, share: '1' }] },
      actor: 'clerk:7',
      time,
    },
    land,
  );
  const disclosure = await sealDisclosure(
    sealed.disclosure,
    { chain: 'land', seq, type: TYPE, hash: sealed.hash },
    ['cadastralNumber'],
    subjectKey,
  );
  return { chain: 'land', seq, type: TYPE, time, hash: sealed.hash, disclosure } as unknown as VerifiedEntry;
}

const grantEntry = { chain: 'land', seq: 1, type: GRANT, time } as unknown as VerifiedEntry;
const grantData = {
  grantId: 'g-1',
  grantee: 'credit',
  eventTypes: [TYPE],
  fields: ['cadastralNumber', 'owners'],
  purpose: 'test',
  validFrom: '2026-01-01T00:00:00.000Z',
};

/** The owner's side, in memory: releases the owners' key of every seq asked, and counts the questions. */
function owner(entries: Map<number, VerifiedEntry>, chainAnswered = 'land') {
  const asked: number[][] = [];
  const client = {
    async ask(_to: string, _query: string, params: Record<string, unknown>): Promise<QueryReply> {
      const seqs = params.seqs as number[];
      asked.push(seqs);
      const release = await sealKeyRelease(
        { grantee: 'credit', chain: chainAnswered, fromSeq: Math.min(...seqs), toSeq: Math.max(...seqs) },
        { keyId: creditKey.keyId, alg: 'X25519', publicKey: credit.publicKey },
        seqs.map((seq) => {
          const entry = entries.get(seq)!;
          return {
            seq,
            field: 'owners',
            key: entryFieldKey(subjectKey, { chain: 'land', seq, type: TYPE, hash: entry.hash }, 'owners'),
          };
        }),
      );
      return {
        v: 1,
        id: 'r',
        from: 'land',
        to: 'credit',
        answeredAt: '',
        result: { ok: true, fields: [], answer: { release } },
      };
    },
  } as unknown as QueryClient;
  return { client, asked };
}

describe("the follower's opener of sealed data (issue #28)", () => {
  it('asks nothing of an owner that granted nothing, and opens nothing', async () => {
    const entry = await registration(2);
    const { client, asked } = owner(new Map([[2, entry]]));
    const policy = new GrantPolicy('credit', (type) => type.includes('.access.'));
    const opener = sealedDataOpener({ department: 'credit', encryptionKey: creditKey, policy, queries: () => client });
    expect((await opener.open([entry], [entry])).size).toBe(0);
    expect(asked).toEqual([]);
  });

  it('counts a grant earlier in the batch, opens the granted field, and asks no entry twice', async () => {
    const entries = new Map([
      [2, await registration(2)],
      [3, await registration(3)],
    ]);
    const { client, asked } = owner(entries);
    const policy = new GrantPolicy('credit', (type) => type.includes('.access.'));
    const opener = sealedDataOpener({ department: 'credit', encryptionKey: creditKey, policy, queries: () => client });
    const batch = [grantEntry, entries.get(2)!, entries.get(3)!];
    const opened = await opener.open([entries.get(2)!, entries.get(3)!], batch);
    expect(opened.get(entries.get(2)!)).toMatchObject({ fields: { owners: [{ ownerId: 'person:2', share: '1' }] } });
    expect(asked).toEqual([[2, 3]]);
    // The batch read again after a failure: the keys are known, the owner is not asked again.
    policy.observe(grantEntry, grantData);
    await opener.open([entries.get(2)!, entries.get(3)!], batch);
    expect(asked).toEqual([[2, 3]]);
  });

  it('asks nothing when the grants cover only public fields', async () => {
    const entry = await registration(4);
    const { client, asked } = owner(new Map([[4, entry]]));
    const policy = new GrantPolicy('credit', (type) => type.includes('.access.'));
    policy.observe(grantEntry, { ...grantData, fields: ['cadastralNumber'] });
    const opener = sealedDataOpener({ department: 'credit', encryptionKey: creditKey, policy, queries: () => client });
    expect((await opener.open([entry], [entry])).size).toBe(0);
    expect(asked).toEqual([]);
  });

  it('refuses a release for another chain than the one asked', async () => {
    const entry = await registration(5);
    const { client } = owner(new Map([[5, entry]]), 'land/1');
    const policy = new GrantPolicy('credit', (type) => type.includes('.access.'));
    policy.observe(grantEntry, grantData);
    const opener = sealedDataOpener({ department: 'credit', encryptionKey: creditKey, policy, queries: () => client });
    await expect(opener.open([entry], [entry])).rejects.toThrow(
      "land's key release covers land/1 5–5, not the seqs asked",
    );
  });
});
