import { DepartmentStack } from './department-stack.js';

const basis = { documentType: 'survey', reference: 'S-2026-1' };
const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '1200.50',
  location: 'Tbilisi, plot 7',
  landUse: 'residential',
  owners: [{ ownerId: 'person:1', share: '1' }],
  basis,
});

/** The kit's REST surface, seen through the land register: auth, validation, idempotency, docs, metrics. */
describe('a department over REST', () => {
  const stack = new DepartmentStack();
  let clerk: string;
  let auditor: string;
  let admin: string;
  let creditClerk: string;

  const head = async () => ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    clerk = await stack.token('land', 'clerk', 'clerk:anna');
    auditor = await stack.token('land', 'auditor', 'auditor:olga');
    admin = await stack.token('land', 'admin', 'admin:root');
    creditClerk = await stack.token('credit', 'clerk', 'clerk:bank');
  });

  afterAll(() => stack.stop());

  it('records a command with the operator as actor and its legal basis, and serves it back', async () => {
    const answer = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('REST-1') });
    expect(answer.status).toBe(201);
    const [entry] = answer.body.entries as Array<{ seq: number; type: string }>;
    expect(entry!.type).toBe('gov.land.parcel.registered.v1');
    const stored = await stack.call('land', 'GET', `/v1/ledger/entries/${entry!.seq}`, { token: auditor });
    expect(stored.body).toMatchObject({
      envelope: { actor: 'clerk:anna', subject: 'REST-1' },
      data: { fields: { basis } },
    });
    const read = await stack.call('land', 'GET', '/v1/parcels/REST-1', { token: auditor });
    expect(read.body).toMatchObject({ status: 'registered', owners: [{ ownerId: 'person:1', share: '1' }] });
    const history = await stack.call('land', 'GET', '/v1/parcels/REST-1/history', { token: auditor });
    expect(history.body.entries).toEqual([
      expect.objectContaining({ actor: 'clerk:anna', data: expect.objectContaining({ basis }) }),
    ]);
  });

  it.each([
    ['no token', undefined, 401, 'AUTH.UNAUTHENTICATED'],
    ['a malformed token', 'nonsense', 401, 'AUTH.UNAUTHENTICATED'],
    ['an unknown token', `rbt_land_${'A'.repeat(43)}`, 401, 'AUTH.UNAUTHENTICATED'],
  ])('refuses a command with %s (401 problem+json), writing nothing', async (_name, token, status, code) => {
    const before = await head();
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      body: parcel('AUTH-1'),
      ...(token ? { token } : {}),
    });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.body).toMatchObject({ status, code });
    expect(await head()).toBe(before);
  });

  it("refuses another department's clerk and a read-only auditor (403), writing nothing", async () => {
    const before = await head();
    const foreign = await stack.call('land', 'POST', '/v1/parcels', { token: creditClerk, body: parcel('AUTH-2') });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect(foreign.body.detail).toMatch(/department 'credit'/);
    const readOnly = await stack.call('land', 'POST', '/v1/parcels', { token: auditor, body: parcel('AUTH-2') });
    expect(readOnly).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect(await head()).toBe(before);
  });

  it('refuses expired and revoked tokens (401)', async () => {
    const runtime = stack.get('land').runtime;
    const expired = await runtime.tokens.issue({
      operator: 'clerk:old',
      role: 'clerk',
      validForSeconds: -1,
      issuedBy: 'test',
    });
    const answer = await stack.call('land', 'POST', '/v1/parcels', { token: expired.token, body: parcel('AUTH-3') });
    expect(answer).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
    expect(answer.body.detail).toMatch(/expired/);

    const issued = await stack.call('land', 'POST', '/v1/admin/tokens', {
      token: admin,
      body: { operator: 'clerk:temp', role: 'clerk', validForDays: 1 },
    });
    expect(issued.status).toBe(201);
    const temp = issued.body.token as string;
    expect((await stack.call('land', 'GET', '/v1/ledger/verify', { token: temp })).status).toBe(200);
    // Only admins manage tokens.
    expect((await stack.call('land', 'GET', '/v1/admin/tokens', { token: clerk })).status).toBe(403);
    const listed = await stack.call('land', 'GET', '/v1/admin/tokens', { token: admin });
    expect(JSON.stringify(listed.body)).not.toContain(temp);
    expect(
      (await stack.call('land', 'DELETE', `/v1/admin/tokens/${String(issued.body.id)}`, { token: admin })).status,
    ).toBe(204);
    const revoked = await stack.call('land', 'GET', '/v1/ledger/verify', { token: temp });
    expect(revoked).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
    expect(revoked.body.detail).toMatch(/revoked/);
  });

  it('names every wrong field (400 problem+json) and writes nothing', async () => {
    const before = await head();
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: { ...parcel('bad number'), areaSquareMetres: 12, owners: [{ ownerId: 'x', share: '2/0' }], extra: 1 },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('REQUEST.INVALID');
    const fields = (answer.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['cadastralNumber', 'areaSquareMetres', 'owners.0.ownerId', 'owners.0.share', 'extra']),
    );
    const malformed = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: '{"cadastralNumber":' });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'REQUEST.MALFORMED' } });
    expect(await head()).toBe(before);
  });

  it('answers a rule of the register with its stable code and field (409/422)', async () => {
    await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('RULE-1') });
    const again = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('RULE-1') });
    expect(again).toMatchObject({
      status: 409,
      body: { code: 'LAND.PARCEL_ALREADY_REGISTERED', errors: [{ field: 'cadastralNumber' }] },
    });
    const notOwner = await stack.call('land', 'POST', '/v1/parcels/RULE-1/transfers', {
      token: clerk,
      body: { from: 'person:9', to: [{ ownerId: 'person:2', share: '1' }], share: '1', basis },
    });
    expect(notOwner).toMatchObject({ status: 422, body: { code: 'LAND.NOT_AN_OWNER', errors: [{ field: 'from' }] } });
    expect((await stack.call('land', 'GET', '/v1/parcels/NOPE-1', { token: clerk })).status).toBe(404);
  });

  it('honours Idempotency-Key: a retry returns the first answer, another body under the key is refused', async () => {
    const headers = { 'idempotency-key': 'register-IDEM-1' };
    const first = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('IDEM-1'), headers });
    const retry = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('IDEM-1'), headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.entries).toEqual(first.body.entries);
    const other = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('IDEM-2'), headers });
    expect(other).toMatchObject({ status: 409, body: { code: 'LEDGER.IDEMPOTENCY_CONFLICT' } });
    const history = await stack.call('land', 'GET', '/v1/parcels/IDEM-1/history', { token: clerk });
    expect(history.body.entries).toHaveLength(1);
  });

  it('serves OpenAPI at /docs-json with the command schemas, and Swagger UI at /docs', async () => {
    const docs = await stack.call('land', 'GET', '/docs-json');
    expect(docs.status).toBe(200);
    const paths = docs.body.paths as Record<
      string,
      Record<string, { requestBody?: unknown; parameters?: Array<{ name: string }> }>
    >;
    expect(paths['/v1/parcels']!.post!.requestBody).toBeDefined();
    expect(JSON.stringify(docs.body)).toContain('areaSquareMetres');
    expect(paths['/v1/parcels']!.post!.parameters!.map((p) => p.name)).toContain('Idempotency-Key');
    expect((await stack.call('land', 'GET', '/docs')).status).toBe(200);
  });

  it('exposes Prometheus metrics and health without a token', async () => {
    const metrics = await fetch(`${stack.get('land').url}/metrics`).then((r) => r.text());
    for (const name of [
      'registry_bus_ledger_appended_entries_total',
      'registry_bus_relay_unpublished_entries',
      'registry_bus_consumer_lag_records',
      'registry_bus_consumer_quarantined_records',
      'registry_bus_http_request_duration_seconds_bucket',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(Number(/registry_bus_ledger_appended_entries_total\{[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/registry_bus_commands_total\{[^}]*outcome="refused"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/registry_bus_commands_total\{[^}]*outcome="replayed"[^}]*\} [1-9]/);
    expect((await stack.call('land', 'GET', '/health')).body).toMatchObject({ status: 'ok' });
  });
});

describe('the public endpoints', () => {
  const stack = new DepartmentStack();

  beforeAll(() => stack.start(['land'], { PUBLIC_RATE_LIMIT_PER_MINUTE: '5' }));
  afterAll(() => stack.stop());

  it('are rate-limited per client address (429 problem+json with Retry-After); token routes are not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await stack.call('land', 'GET', '/v1/ledger/head')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await stack.call('land', 'GET', '/v1/ledger/head');
    expect(limited).toMatchObject({ status: 429, body: { code: 'HTTP.RATE_LIMITED' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const auditor = await stack.token('land', 'auditor', 'auditor:rate');
    for (let i = 0; i < 7; i++) {
      expect((await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor })).status).toBe(200);
    }
  });
});
