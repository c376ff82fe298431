import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** One request the fuzzer sends, and what kind of damage it carries. */
export interface FuzzRequest {
  method: string;
  path: string;
  operation: string;
  mutation: string;
  headers: Record<string, string>;
  /** Raw body text (possibly not JSON at all), or undefined. */
  body?: string;
}

/** Path parameter values that no register holds and some that no parser should like. */
const HOSTILE_SEGMENTS = [
  'X-1',
  'NOPE-000',
  '0',
  '-1',
  '99999999999999999999999',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  "'%20OR%201%3D1%20--",
  '%F0%9F%A6%84',
  'a'.repeat(3000),
  '%25s%25n',
  'null',
];

/**
 * Requests for every operation of an OpenAPI document, each of them invalid
 * on purpose: a body missing a required field, a required field of the
 * wrong type, a body that is not an object, a body that is not JSON, a
 * wrong content type, hostile path parameters (which name nothing that
 * exists). Reproducible from the seed (fast-check's generator). Against a
 * correct app none of them is a 2xx or a 5xx, and none changes a ledger.
 */
export function* fuzzRequests(
  document: OpenApiDocument,
  options: { perOperation: number; seed: number; skip?: (method: string, path: string) => boolean },
): Generator<FuzzRequest> {
  const random = seededRandom(options.seed);
  let n = 0;
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const verb = method.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(verb)) continue;
      if (options.skip?.(verb, template)) continue;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      const resolved = schema ? resolve(document, schema) : undefined;
      for (let i = 0; i < options.perOperation; i++) {
        n++;
        const path = template.replace(/\{[^}]+\}/g, () => pick(random, HOSTILE_SEGMENTS));
        const headers: Record<string, string> = { 'idempotency-key': `fuzz-${options.seed}-${n}` };
        const request = (mutation: string, body?: string, contentType = 'application/json'): FuzzRequest => ({
          method: verb,
          path,
          operation: `${verb} ${template}`,
          mutation,
          headers: body === undefined ? headers : { ...headers, 'content-type': contentType },
          ...(body === undefined ? {} : { body }),
        });
        if (verb === 'GET' || verb === 'DELETE' || !resolved) {
          // No body to break: hostile path parameters, and for writes without a schema, a stray body.
          yield verb === 'GET' || verb === 'DELETE'
            ? request('hostile-path')
            : request('not-json', '{"unterminated": ');
          continue;
        }
        yield mutate(document, resolved, random, request);
      }
    }
  }
}

function mutate(
  document: OpenApiDocument,
  schema: JsonSchema,
  random: Rng,
  request: (mutation: string, body?: string, contentType?: string) => FuzzRequest,
): FuzzRequest {
  const base = example(document, schema, 0) as Record<string, unknown>;
  const required = (schema.required ?? []).filter((name) => schema.properties?.[name]);
  const kinds = [
    'not-object',
    'not-json',
    'wrong-content-type',
    ...(required.length > 0 ? ['missing', 'wrong-type'] : []),
  ];
  const kind = pick(random, kinds);
  switch (kind) {
    case 'missing': {
      const name = pick(random, required);
      const { [name]: _dropped, ...rest } = base;
      return request(`missing ${name}`, JSON.stringify(withNoise(rest, random)));
    }
    case 'wrong-type': {
      const name = pick(random, required);
      const field = resolve(document, schema.properties![name]!);
      return request(`wrong type of ${name}`, JSON.stringify({ ...base, [name]: wrongValue(field, random) }));
    }
    case 'not-object':
      return request('not an object', JSON.stringify(pick(random, [[], 'text', 42, null, true, [base]])));
    case 'not-json':
      return request(
        'not JSON',
        JSON.stringify(base).slice(0, Math.max(1, Math.floor(JSON.stringify(base).length / 2))),
      );
    default:
      return request('wrong content type', 'cadastralNumber=X&owners=1', 'application/x-www-form-urlencoded');
  }
}

/** Extra junk beside a missing required field: unknown keys, deep nesting, long strings. */
function withNoise(body: Record<string, unknown>, random: Rng): Record<string, unknown> {
  const noise = fc.sample(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }), {
    numRuns: 1,
    seed: random.nextInt(),
  })[0]!;
  return { ...noise, ...body };
}

/** A value that is not of the field's type (and not null when the field is a string). */
function wrongValue(field: JsonSchema, random: Rng): unknown {
  const type = Array.isArray(field.type) ? field.type[0] : field.type;
  const candidates: unknown[] =
    type === 'string' || field.enum
      ? [12345, true, { nested: 'object' }, [1, 2], 1.5e300]
      : type === 'number' || type === 'integer'
        ? ['not a number', { n: 1 }, [1], true]
        : type === 'boolean'
          ? ['yes', 1, {}]
          : type === 'array'
            ? ['text', 7, { a: 1 }]
            : type === 'object'
              ? ['text', 7, [1]]
              : [{ $bad: 'value' }, [[[]]]];
  return pick(random, candidates);
}

/** A plausible instance of a schema: enough to look like a request, built deterministically. */
function example(document: OpenApiDocument, raw: JsonSchema, depth: number): unknown {
  const schema = resolve(document, raw);
  if (depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return example(document, alternative, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => example(document, part, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        object[name] = example(document, property, depth + 1);
      return object;
    }
    case 'array':
      return schema.items ? [example(document, schema.items, depth + 1)] : [];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return 'X-1';
    default:
      return schema.properties ? example(document, { ...schema, type: 'object' }, depth) : null;
  }
}

function resolve(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let i = 0; current.$ref && i < 10; i++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = document.components?.schemas?.[name] ?? {};
  }
  return current;
}

interface Rng {
  /** An integer in [min, max]; without bounds, any 32-bit integer (a seed for fast-check). */
  nextInt(min?: number, max?: number): number;
}

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function seededRandom(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    nextInt: (min = -(2 ** 31), max = 2 ** 31 - 1) => min + Math.floor(next() * (max - min + 1)),
  };
}

function pick<T>(random: Rng, values: readonly T[]): T {
  return values[random.nextInt(0, values.length - 1)]!;
}
