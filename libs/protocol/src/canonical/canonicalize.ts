import jcs from 'canonicalize';

export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot canonicalize ${path || 'value'}: ${reason}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses what JSON cannot say or RFC 8785 would silently change: NaN and
 * Infinity, undefined, functions, symbols, BigInt, lone surrogates, and any
 * object that is not a plain object or array (a Date would become a string).
 */
function assertCanonicalizable(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalizationError(path, 'string contains a lone surrogate');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(path, `${value} is not a JSON number`);
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new CanonicalizationError(path, 'circular reference');
      seen.add(value);
      if (Array.isArray(value)) {
        value.forEach((item, i) => assertCanonicalizable(item, `${path}[${i}]`, seen));
      } else {
        // Realm-independent: Object.prototype of any realm (worker, vm) has a null prototype.
        const prototype = Object.getPrototypeOf(value) as object | null;
        if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
          throw new CanonicalizationError(
            path,
            `${(value as object).constructor?.name ?? 'object'} is not a plain JSON object`,
          );
        }
        for (const [key, item] of Object.entries(value)) {
          if (LONE_SURROGATE.test(key))
            throw new CanonicalizationError(`${path}.${key}`, 'key contains a lone surrogate');
          assertCanonicalizable(item, path ? `${path}.${key}` : key, seen);
        }
      }
      seen.delete(value);
      return;
    }
    default:
      throw new CanonicalizationError(path, `${typeof value} is not a JSON value`);
  }
}

/** RFC 8785 (JCS) canonical JSON text of `value`, via the `canonicalize` package. */
export function canonicalize(value: unknown): string {
  assertCanonicalizable(value, '', new Set());
  const text = jcs(value);
  if (text === undefined) throw new CanonicalizationError('', 'value has no JSON form');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}
