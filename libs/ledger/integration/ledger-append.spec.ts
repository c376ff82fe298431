import { Ledger, LedgerError, LedgerErrorCode, type AppendCommand } from '@registry-bus/ledger';
import { nodeSigner, testSigner, testTrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { departmentDatabase, ownerQuery } from './ledger-fixture.js';

const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });

function register(parcelId: string, idempotencyKey?: string): AppendCommand<string> {
  return {
    idempotencyKey,
    requestDigest: new TextEncoder().encode(parcelId),
    decide: () => ({
      entries: [
        {
          type: 'gov.land.parcel.registered.v1',
          subject: parcelId,
          data: { parcelId, area: '100.00' },
          actor: 'clerk:1',
        },
      ],
      result: parcelId,
    }),
  };
}

describe('ledger append', () => {
  let ownerUrl: string;
  let writer: DataSource;
  let sut: Ledger;

  beforeAll(async () => {
    ({ ownerUrl, writer } = await departmentDatabase('append', 20));
    sut = new Ledger({ dataSource: writer, chain: 'land', signer, trustBundle: () => bundle });
    // As an app migration would, run by the owner; default privileges give the writer role access.
    await ownerQuery(ownerUrl, 'CREATE TABLE pledge_projection (parcel_id text PRIMARY KEY, bank text NOT NULL)');
  });

  afterAll(async () => {
    await sut.close();
    await writer.destroy();
  });

  it('appends 10,000 concurrent commands gap-free; invalid ones fail alone', async () => {
    const before = (await sut.reader.head('land'))?.seq ?? 0;
    const commands = Array.from({ length: 10_000 }, (_, i) =>
      i % 97 === 0
        ? sut.append({ decide: () => Promise.reject(new Error(`invalid command ${i}`)) })
        : sut.append(register(`P-${i}`)),
    );
    const results = await Promise.allSettled(commands);
    const failed = results.filter((r) => r.status === 'rejected');
    const ok = results.filter(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<Ledger['append']>>> => r.status === 'fulfilled',
    );
    expect(failed).toHaveLength(Math.ceil(10_000 / 97));
    expect(failed.every((r) => (r as PromiseRejectedResult).reason.message.startsWith('invalid command'))).toBe(true);
    const seqs = ok.flatMap((r) => r.value.entries.map((e) => e.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: ok.length }, (_, i) => before + i + 1));
    const report = await sut.verify();
    expect(report).toMatchObject({ ok: true, checked: before + ok.length, treeSize: before + ok.length });
  });

  it('decides each command of a batch against the state its predecessors left', async () => {
    const pledge = (bank: string): AppendCommand<string> => ({
      decide: async ({ manager }) => {
        const rows: unknown[] = await manager.query(`SELECT 1 FROM pledge_projection WHERE parcel_id = 'P-pledged'`);
        if (rows.length > 0) throw new Error('LAND.PARCEL_PLEDGED');
        return {
          entries: [{ type: 'gov.land.encumbrance.added.v1', subject: 'P-pledged', data: { bank }, actor: 'clerk:1' }],
          project: async (tx) => {
            await tx.query('INSERT INTO pledge_projection (parcel_id, bank) VALUES ($1, $2)', ['P-pledged', bank]);
          },
        };
      },
    });
    const [first, second] = await Promise.allSettled([sut.append(pledge('bank:A')), sut.append(pledge('bank:B'))]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: new Error('LAND.PARCEL_PLEDGED') });
    expect((await writer.query(`SELECT bank FROM pledge_projection`)).map((r: { bank: string }) => r.bank)).toEqual([
      'bank:A',
    ]);
  });

  it('a failing projection rolls back only its own command', async () => {
    const failing: AppendCommand = {
      decide: () => ({
        entries: [{ type: 'gov.land.parcel.noted.v1', subject: 'P-x', data: {}, actor: 'clerk:1' }],
        project: async (tx) => {
          await tx.query(`INSERT INTO pledge_projection (parcel_id, bank) VALUES ('P-rollback', 'bank:X')`);
          await tx.query(`INSERT INTO pledge_projection (parcel_id, bank) VALUES ('P-pledged', 'duplicate')`);
        },
      }),
    };
    const head = (await sut.reader.head('land'))!.seq;
    const [bad, good] = await Promise.allSettled([sut.append(failing), sut.append(register('P-after-failure'))]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: { entries: [{ seq: head + 1 }] } });
    expect(await writer.query(`SELECT 1 FROM pledge_projection WHERE parcel_id = 'P-rollback'`)).toHaveLength(0);
  });

  it('returns the original entries for a retried idempotency key, and refuses the key for another request', async () => {
    const first = await sut.append(register('P-idem', 'key-1'));
    const again = await Promise.all([sut.append(register('P-idem', 'key-1')), sut.append(register('P-idem', 'key-1'))]);
    expect(first.replayed).toBe(false);
    for (const retry of again) {
      expect(retry.replayed).toBe(true);
      expect(retry.entries.map((e) => e.id)).toEqual(first.entries.map((e) => e.id));
    }
    await expect(sut.append(register('P-other', 'key-1'))).rejects.toMatchObject({
      code: LedgerErrorCode.IDEMPOTENCY_CONFLICT,
    });
    const count = await writer.query(`SELECT count(*)::int AS n FROM ledger_entry WHERE subject = 'P-idem'`);
    expect(count[0].n).toBe(1);
  });

  it('splits into shards: each subject in its chain, a grant in every chain at once or in none', async () => {
    const sharded = new Ledger({ dataSource: writer, chain: 'land', shards: 3, signer, trustBundle: () => bundle });
    try {
      expect(sharded.chains).toEqual(['land/0', 'land/1', 'land/2']);
      const everywhere = (id: string, key?: string) => sharded.appendToEvery({ ...register(id, key) });
      // Ordinary commands and commands for every chain, concurrently: each chain stays gap-free.
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          i % 60 === 0
            ? everywhere(`G-${i}`)
            : sharded.append({ ...register(`S-${i}`), chain: sharded.chainFor(`S-${i}`) }),
        ),
      );
      for (const [i, result] of results.entries()) {
        const chains = result.entries.map((entry) => entry.chain).sort();
        expect(chains).toEqual(i % 60 === 0 ? sharded.chains : [sharded.chainFor(`S-${i}`)]);
      }
      for (const chain of sharded.chains) {
        const report = await sharded.verify({ chain });
        expect(report).toMatchObject({ ok: true, chain });
        const grants = await writer.query(
          `SELECT count(*)::int AS n FROM ledger_entry WHERE chain = $1 AND subject LIKE 'G-%'`,
          [chain],
        );
        expect(grants[0].n).toBe(5);
      }

      // A refusal leaves every chain as it was; a retried key answers with the entries of every chain.
      const heads = async () =>
        Promise.all(sharded.chains.map(async (chain) => (await sharded.reader.head(chain))?.seq));
      const before = await heads();
      await expect(
        sharded.appendToEvery({ decide: () => Promise.reject(new Error('refused by a rule')) }),
      ).rejects.toThrow('refused by a rule');
      expect(await heads()).toEqual(before);
      const first = await everywhere('G-key', 'key-every');
      const again = await everywhere('G-key', 'key-every');
      expect(first.replayed).toBe(false);
      expect(again.replayed).toBe(true);
      expect(again.entries.map((entry) => entry.id)).toEqual(first.entries.map((entry) => entry.id));
      expect(first.entries).toHaveLength(3);
      // An unnamed chain on a sharded ledger is a request to correct, naming the field.
      await expect(sharded.append(register('S-unnamed'))).rejects.toMatchObject({
        code: LedgerErrorCode.INVALID,
        detail: { field: 'chain' },
      });
    } finally {
      await sharded.close();
    }
  });

  it('serves inclusion proofs that verify against the signed head root', async () => {
    const head = await sut.head();
    const proof = await sut.inclusionProof(5, head.treeSize);
    expect(proof.root).toBe(head.root);
    const { verifyInclusion } = await import('@registry-bus/merkle');
    const entry = (await sut.reader.entry('land', 5))!;
    const { entryLeaf } = await import('@registry-bus/ledger');
    expect(
      verifyInclusion(
        entryLeaf(entry.hash),
        4,
        head.treeSize,
        proof.proof.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(head.root, 'hex'),
      ),
    ).toBe(true);
    await expect(sut.inclusionProof(head.treeSize + 1)).rejects.toBeInstanceOf(LedgerError);
  });

  it('names the seq a superuser edited with the triggers disabled', async () => {
    await ownerQuery(ownerUrl, 'ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_refuse_update_delete');
    await ownerQuery(ownerUrl, `UPDATE ledger_entry SET subject = 'P-forged' WHERE chain = 'land' AND seq = 42`);
    await ownerQuery(ownerUrl, 'ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_refuse_update_delete');
    const report = await sut.verify();
    expect(report).toMatchObject({ ok: false, firstBadSeq: 42 });
    expect(report.reason).toMatch(/subject/);
  });

  it('names the seq whose stored data a superuser changed', async () => {
    const entry = (await sut.reader.entry('land', 77))!;
    const disclosure = JSON.parse(new TextDecoder().decode(entry.disclosure!));
    disclosure.fields.area = '999.00';
    await ownerQuery(ownerUrl, 'ALTER TABLE ledger_entry_data DISABLE TRIGGER ledger_entry_data_refuse_update_delete');
    await ownerQuery(ownerUrl, `UPDATE ledger_entry_data SET disclosure = $1 WHERE chain = 'land' AND seq = 77`, [
      Buffer.from(JSON.stringify(disclosure)),
    ]);
    await ownerQuery(ownerUrl, 'ALTER TABLE ledger_entry_data ENABLE TRIGGER ledger_entry_data_refuse_update_delete');
    const report = await sut.verify({ fromSeq: 43 });
    expect(report).toMatchObject({ ok: false, firstBadSeq: 77 });
    expect(report.reason).toMatch(/datadigest/);
  });
});
