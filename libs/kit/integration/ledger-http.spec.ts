import { Module, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import {
  LEDGER,
  LedgerController,
  ProblemFilter,
  SCOPE_RULE,
  ScopeRule,
  type AuthenticatedRequest,
} from '@registry-bus/kit';
import { Ledger, entryLeaf, headStatement } from '@registry-bus/ledger';
import { verifyInclusion } from '@registry-bus/merkle';
import {
  SignatureDomain,
  fromBase64,
  fromHex,
  nodeSigner,
  signingMessage,
  testSigner,
  testTrustBundle,
  verifyEd25519,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { departmentDatabase } from '../../ledger/integration/ledger-fixture.js';

const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });

describe('the common ledger REST surface', () => {
  let writer: DataSource;
  let ledger: Ledger;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ writer } = await departmentDatabase('http'));
    ledger = new Ledger({ dataSource: writer, chain: 'land', signer, trustBundle: () => bundle });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        ledger.append({
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
        }),
      ),
    );
    // No auth guard here: every request reads as an admin's (the scope rule lets admins see every owner).
    const asAdmin = {
      canActivate: (context: ExecutionContext) => {
        context.switchToHttp().getRequest<AuthenticatedRequest>().operator = {
          tokenId: 't',
          operator: 'admin:1',
          department: 'land',
          role: 'admin',
          scope: null,
        };
        return true;
      },
    };
    @Module({
      controllers: [LedgerController],
      providers: [
        { provide: LEDGER, useValue: ledger },
        { provide: SCOPE_RULE, useValue: new ScopeRule('land', writer, undefined) },
        { provide: APP_GUARD, useValue: asAdmin },
      ],
    })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    app.useGlobalFilters(new ProblemFilter());
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
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

  it('GET /v1/ledger/head is signed by the department over its Merkle root', async () => {
    const { status, body } = await get('/v1/ledger/head');
    expect(status).toBe(200);
    expect(body).toMatchObject({ chain: 'land', seq: 25, treeSize: 25, keyid: signer.keyId });
    const message = signingMessage(SignatureDomain.HEAD, headStatement(body as never));
    expect(verifyEd25519(fromBase64(body.sig), message, signer.publicKey)).toBe(true);
  });

  it('pages entries with their envelope and data', async () => {
    const first = await get('/v1/ledger/entries?limit=10');
    expect(first.body.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.body.next).toBe(10);
    const last = await get('/v1/ledger/entries?after=20&limit=10');
    expect(last.body.entries.map((e: { seq: number }) => e.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(last.body.next).toBeNull();
    expect(last.body.entries[0].envelope).toMatchObject({ chain: 'land', seq: '21' });
    expect(Object.keys(last.body.entries[0].data.salts)).toEqual(['parcelId']);
  });

  it('serves an inclusion proof that verifies against the head', async () => {
    const head = (await get('/v1/ledger/head')).body;
    const { body } = await get(`/v1/ledger/entries/7/proof?treeSize=${head.treeSize}`);
    const entry = (await get('/v1/ledger/entries/7')).body;
    const ok = verifyInclusion(
      entryLeaf(fromHex(entry.envelope.hash)),
      6,
      head.treeSize,
      body.proof.map(fromHex),
      fromHex(head.root),
    );
    expect(ok).toBe(true);
  });

  it('verifies the chain', async () => {
    expect((await get('/v1/ledger/verify')).body).toMatchObject({ ok: true, checked: 25 });
  });

  it.each([
    ['/v1/ledger/entries/abc', 400, 'REQUEST.INVALID', 'seq'],
    ['/v1/ledger/entries/0', 400, 'REQUEST.INVALID', 'seq'],
    ['/v1/ledger/entries?limit=5000', 400, 'REQUEST.INVALID', 'limit'],
    ['/v1/ledger/entries?colour=red', 400, 'REQUEST.INVALID', 'colour'],
    ['/v1/ledger/entries/99', 404, 'LEDGER.NOT_FOUND', 'seq'],
    ['/v1/ledger/entries/99/proof', 404, 'LEDGER.NOT_FOUND', 'seq'],
  ])('answers %s with %i problem+json naming the field', async (path, status, code, field) => {
    const sut = await get(path);
    expect(sut.status).toBe(status);
    expect(sut.type).toMatch(/^application\/problem\+json/);
    expect(sut.body).toMatchObject({ status, code, instance: path });
    expect(sut.body.errors?.[0]?.field).toBe(field);
  });
});
