import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import {
  AuthGuard,
  LEDGER,
  LedgerController,
  ProblemFilter,
  SCOPE_RULE,
  ScopeRule,
  TOKEN_STORE,
  TokenStore,
} from '@registry-bus/kit';
import { Ledger } from '@registry-bus/ledger';
import { EMPTY_ROOT, consistencyProof, verifyConsistency } from '@registry-bus/merkle';
import {
  envelopeFromStored,
  fromHex,
  nodeSigner,
  parseDisclosure,
  parseStrictJsonBytes,
  testSigner,
  testTrustBundle,
  toHex,
} from '@registry-bus/protocol';
import type { ReceiptEntry } from '@registry-bus/receipts';
import { goCheck } from '@registry-bus/testing';
import type { DataSource } from 'typeorm';

import { departmentDatabase } from '../../ledger/integration/ledger-fixture.js';
import { anchoredReceipt, entryHashes, rootOfFirst } from '../../../scripts/cli/consistent-fixture.js';

const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });
const run = promisify(execFile);

/**
 * `GET /v1/ledger/consistency` against a real Postgres ledger of 25 entries,
 * behind the real auth guard (no token is sent: the route is public), its
 * proofs held to the reference implementation, to Go's sumdb/tlog, and to
 * `registry-bus consistent --from`.
 */
describe('consistency proofs served by the ledger', () => {
  let writer: DataSource;
  let ledger: Ledger;
  let app: INestApplication;
  let base: string;
  let entries: ReceiptEntry[];
  let dir: string;

  beforeAll(async () => {
    ({ writer } = await departmentDatabase('consistency'));
    ledger = new Ledger({ dataSource: writer, chain: 'land', signer, trustBundle: () => bundle });
    for (let i = 1; i <= 25; i++)
      await ledger.append({
        decide: () => ({
          entries: [
            {
              type: 'gov.land.parcel.registered.v1',
              subject: `P-${i}`,
              data: { parcelId: `P-${i}` },
              actor: 'clerk:1',
            },
          ],
        }),
      });
    entries = (await ledger.reader.entries('land', 0, 100)).map((entry) => ({
      envelope: envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid),
      disclosure: parseDisclosure(parseStrictJsonBytes(entry.disclosure!, 'a stored disclosure')),
    }));

    @Module({
      controllers: [LedgerController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: SCOPE_RULE, useValue: new ScopeRule('land', writer, undefined) },
        { provide: TOKEN_STORE, useValue: new TokenStore(writer, 'land') },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    app.useGlobalFilters(new ProblemFilter());
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    dir = mkdtempSync(join(tmpdir(), 'rb-consistency-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app.close();
    await ledger.close();
    await writer.destroy();
  });

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, read by the assertions
      body: (await response.json()) as Record<string, any>,
    };
  };

  it('answers a proof from 7 to 25 without a token, equal to the reference one built from the entries', async () => {
    const sut = await get('/v1/ledger/consistency?from=7&to=25');
    expect(sut.status).toBe(200);
    expect(sut.body).toEqual({
      chain: 'land',
      from: 7,
      to: 25,
      fromRoot: rootOfFirst(entries, 7),
      toRoot: rootOfFirst(entries, 25),
      proof: consistencyProof(entryHashes(entries), 7).map(toHex),
    });
    expect(sut.body.proof).toHaveLength(6);
    expect(
      verifyConsistency(7, 25, fromHex(sut.body.fromRoot), fromHex(sut.body.toRoot), sut.body.proof.map(fromHex)),
    ).toBe(true);
    // The roots are the ones the department signs in its head at those sizes.
    expect((await get('/v1/ledger/head?treeSize=7')).body.root).toBe(sut.body.fromRoot);
    expect((await get('/v1/ledger/head')).body.root).toBe(sut.body.toRoot);
    // …while the entries themselves still need a token.
    expect((await get('/v1/ledger/entries')).status).toBe(401);
  });

  it("verifies with Go's sumdb/tlog, which refuses the same proof with one hash changed", async () => {
    for (const from of [1, 7, 8, 16, 24]) {
      const { body } = await get(`/v1/ledger/consistency?from=${from}&to=25`);
      const request = {
        mode: 'consistency',
        oldSize: from,
        oldRoot: body.fromRoot,
        treeSize: 25,
        root: body.toRoot,
        proof: body.proof,
      };
      expect(goCheck(request)).toEqual({ status: 0, answer: { ok: true } });
      if (from === 7) {
        const tampered = { ...request, proof: [...body.proof.slice(0, -1), '00'.repeat(32)] };
        expect(goCheck(tampered)).toEqual({ status: 1, answer: { ok: false, error: 'invalid transparency proof' } });
      }
    }
  }, 300_000);

  it('answers an empty proof from 0 and from a size to itself', async () => {
    expect((await get('/v1/ledger/consistency?from=0&to=25')).body).toEqual({
      chain: 'land',
      from: 0,
      to: 25,
      fromRoot: toHex(EMPTY_ROOT),
      toRoot: rootOfFirst(entries, 25),
      proof: [],
    });
    expect((await get('/v1/ledger/consistency?from=12&to=12&chain=land')).body).toEqual({
      chain: 'land',
      from: 12,
      to: 12,
      fromRoot: rootOfFirst(entries, 12),
      toRoot: rootOfFirst(entries, 12),
      proof: [],
    });
  });

  it.each([
    ['/v1/ledger/consistency?from=9&to=3', 400, 'LEDGER.INVALID', 'from', 'from (9) must be between 0 and to (3)'],
    ['/v1/ledger/consistency?from=3&to=26', 400, 'LEDGER.INVALID', 'to', "chain 'land' has 25 entries, not 26"],
    ['/v1/ledger/consistency?from=-1&to=3', 400, 'REQUEST.INVALID', 'from', undefined],
    ['/v1/ledger/consistency?from=abc&to=3', 400, 'REQUEST.INVALID', 'from', undefined],
    ['/v1/ledger/consistency?from=3', 400, 'REQUEST.INVALID', 'to', undefined],
    ['/v1/ledger/consistency?from=3&to=5&colour=red', 400, 'REQUEST.INVALID', 'colour', 'is not a known field'],
    [
      '/v1/ledger/consistency?from=3&to=5&chain=credit',
      404,
      'LEDGER.NOT_FOUND',
      'chain',
      "'credit' is not a chain of this ledger (land)",
    ],
  ])('answers %s with %i problem+json naming the field', async (path, status, code, field, reason) => {
    const sut = await get(path);
    expect(sut.status).toBe(status);
    expect(sut.type).toMatch(/^application\/problem\+json/);
    expect(sut.body).toMatchObject({ status, code, instance: path });
    expect(sut.body.errors).toHaveLength(1);
    expect(sut.body.errors[0].field).toBe(field);
    if (reason) expect(sut.body.errors[0].reason).toBe(reason);
  });

  describe('registry-bus consistent --from', () => {
    const consistent = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          [join(process.cwd(), 'bin/registry-bus.mjs'), 'consistent', ...args, '--from', base],
          { cwd: dir, encoding: 'utf8', timeout: 60_000 },
        );
        return { status: 0, out: stdout, err: stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { status: failed.code, out: failed.stdout, err: failed.stderr };
      }
    };
    const write = (name: string, content: unknown) => writeFileSync(join(dir, name), JSON.stringify(content));

    it('0 for receipts anchored at 7 and at 25, with the proof the ledger answers', async () => {
      write('at-7.json', anchoredReceipt(entries, 3, 7));
      write('at-25.json', anchoredReceipt(entries, 20, 25));
      const sut = await consistent('at-7.json', 'at-25.json');
      expect(sut.err).toBe('');
      expect(sut.status).toBe(0);
      expect(sut.out.split('\n')[0]).toBe('CONSISTENT land 7 → 25');
      expect(sut.out).toContain("checked with the ledger's consistency proof (6 hashes)");
    }, 60_000);

    it('1 for a receipt anchored at 7 under a root this ledger never had', async () => {
      const forged = rootOfFirst(entries, 6);
      write('forged-7.json', anchoredReceipt(entries, 3, 7, forged));
      write('at-25.json', anchoredReceipt(entries, 20, 25));
      expect(await consistent('forged-7.json', 'at-25.json')).toEqual({
        status: 1,
        out: `INCONSISTENT land 7 → 25: the ledger's root at 7 is ${rootOfFirst(entries, 7)}, forged-7.json states ${forged}\n`,
        err: '',
      });
    }, 60_000);

    it('2 when the ledger has fewer entries than the newer receipt, passing on its problem', async () => {
      const longer = [...entries, ...entries.slice(0, 5)];
      write('at-7.json', anchoredReceipt(entries, 3, 7));
      write('at-30.json', anchoredReceipt(longer, 28, 30));
      const sut = await consistent('at-7.json', 'at-30.json');
      expect(sut.status).toBe(2);
      expect(sut.err).toContain(`registry-bus: ${base}/v1/ledger/consistency?from=7&to=30&chain=land answered 400: `);
      expect(sut.err).toContain("chain 'land' has 25 entries, not 30");
    }, 60_000);
  });
});
