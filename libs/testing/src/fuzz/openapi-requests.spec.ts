import { fuzzRequests, type OpenApiDocument } from './openapi-requests.js';

const document: OpenApiDocument = {
  paths: {
    '/v1/things': {
      post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
    },
    '/v1/things/{id}': { get: {} },
    '/docs': { get: {} },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['name', 'size'],
        properties: {
          name: { type: 'string' },
          size: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

describe('fuzzRequests', () => {
  const run = (seed: number) => [
    ...fuzzRequests(document, { perOperation: 200, seed, skip: (_method, path) => path === '/docs' }),
  ];

  it('is reproducible from its seed and bounded by the count per operation', () => {
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(run(7)).toHaveLength(400);
  });

  it('never sends a valid body: each write misses a required field, has a wrong type, or is not a JSON object', () => {
    const writes = run(3).filter((request) => request.method === 'POST');
    const kinds = new Set(writes.map((request) => request.mutation.split(' ')[0]));
    expect([...kinds].sort()).toEqual(['missing', 'not', 'wrong']);
    for (const request of writes) {
      let body: unknown;
      try {
        body = JSON.parse(request.body!);
      } catch {
        continue; // not JSON: invalid
      }
      if (request.headers['content-type'] !== 'application/json') continue;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
      const thing = body as Record<string, unknown>;
      const valid = typeof thing.name === 'string' && Number.isInteger(thing.size);
      expect([request.mutation, valid]).toEqual([request.mutation, false]);
    }
  });

  it('fills path parameters with hostile values and skips what it is told to', () => {
    const reads = run(5).filter((request) => request.method === 'GET');
    expect(reads.every((request) => request.operation === 'GET /v1/things/{id}')).toBe(true);
    expect(new Set(reads.map((request) => request.path)).size).toBeGreaterThan(5);
    expect(reads.some((request) => request.path.includes('..%2F'))).toBe(true);
  });
});
