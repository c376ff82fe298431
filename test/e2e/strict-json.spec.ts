import { DepartmentStack } from './department-stack.js';

const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '1200.50',
  location: 'Tbilisi, plot 7',
  landUse: 'residential',
  owners: [{ ownerId: 'person:1', share: '1' }],
  basis: { documentType: 'survey', reference: 'S-2026-1' },
});

/** A REST body goes through the same strict parser as a Kafka record: a key read two ways is refused, not resolved. */
describe('a REST body with a duplicate key or a __proto__ field', () => {
  const stack = new DepartmentStack();
  let clerk: string;
  let auditor: string;

  const head = async () => ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;

  beforeAll(async () => {
    await stack.start(['land']);
    clerk = await stack.token('land', 'clerk', 'clerk:anna');
    auditor = await stack.token('land', 'auditor', 'auditor:olga');
  });

  afterAll(() => stack.stop());

  it.each([
    [
      'a duplicate key',
      JSON.stringify(parcel('STRICT-1')).replace(
        '"landUse":"residential"',
        '"landUse":"residential","landUse":"forest"',
      ),
      '$.landUse',
      /^duplicate key in the request body at character \d+$/,
    ],
    [
      'a duplicate key in a nested object',
      JSON.stringify(parcel('STRICT-1')).replace('"share":"1"', '"share":"1","share":"1/2"'),
      '$.owners[0].share',
      /^duplicate key in the request body at character \d+$/,
    ],
    [
      'a __proto__ field',
      JSON.stringify(parcel('STRICT-1')).replace(
        '"ownerId":"person:1"',
        '"ownerId":"person:1","__proto__":{"share":"1/2"}',
      ),
      '$.owners[0].__proto__',
      /^forbidden key "__proto__" in the request body at character \d+$/,
    ],
    ['{"a":1,"a":2}', '{"a":1,"a":2}', '$.a', /^duplicate key in the request body at character 7$/],
  ])('refuses %s (400 problem+json naming it) and writes nothing', async (_name, body, field, reason) => {
    const before = await head();
    const answer = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      code: 'REQUEST.MALFORMED',
      errors: [{ field, reason: expect.stringMatching(reason) as unknown }],
    });
    expect(answer.body.detail).toBe(
      `PROTOCOL.BAD_JSON: ${field}: ${(answer.body.errors as Array<{ reason: string }>)[0]!.reason}`,
    );
    expect(await head()).toBe(before);
    expect((await stack.call('land', 'GET', '/v1/parcels/STRICT-1', { token: auditor })).status).toBe(404);
  });

  it('takes the same body once every key is written once', async () => {
    const before = await head();
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: JSON.stringify(parcel('STRICT-1')),
    });
    expect(answer.status).toBe(201);
    expect(await head()).toBe(before + 1);
  });

  it('refuses a body that is not UTF-8 and a top-level scalar, as the body parser did', async () => {
    const notUtf8 = await fetch(`${stack.get('land').url}/v1/parcels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
      body: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(notUtf8.status).toBe(400);
    expect(await notUtf8.json()).toMatchObject({
      code: 'REQUEST.MALFORMED',
      errors: [{ field: '$', reason: 'the request body is not UTF-8 text' }],
    });
    const scalar = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: '"STRICT-2"' });
    expect(scalar).toMatchObject({ status: 400, body: { code: 'REQUEST.MALFORMED', errors: [{ field: '(body)' }] } });
  });
});
