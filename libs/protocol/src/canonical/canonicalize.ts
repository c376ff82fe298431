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

/** Deeper data is refused rather than risk a stack overflow in the serializer. */
export const MAX_DEPTH = 64;

/**
 * Refuses what JSON cannot say or RFC 8785 would silently change: NaN and
 * Infinity (RFC 8785 §3.2.2.3), undefined, functions, symbols, BigInt, lone
 * surrogates (§3.2.2.2 requires valid Unicode), holes in arrays (the package
 * would print `[1,,2]`, which is not JSON), nesting deeper than MAX_DEPTH, and
 * any object that is not a plain object or array (a Date would become a string).
 */
function assertCanonicalizable(value: unknown, path: string, seen: Set<object>, depth = 0): void {
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
      if (depth >= MAX_DEPTH) throw new CanonicalizationError(path, `nested deeper than ${MAX_DEPTH} levels`);
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!Object.hasOwn(value, i)) throw new CanonicalizationError(`${path}[${i}]`, 'a hole in an array');
          assertCanonicalizable(value[i], `${path}[${i}]`, seen, depth + 1);
        }
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
          assertCanonicalizable(item, path ? `${path}.${key}` : key, seen, depth + 1);
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

const encoder = new TextEncoder();

/** The UTF-8 bytes of the canonical text (RFC 8785 §3.2.4): what is hashed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}
