import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/**
 * The one JSON parser of every decode path (Kafka records, receipts, exports,
 * REST bodies, query replies, mirrors, the portal). It accepts exactly what
 * RFC 8259 and JSON.parse accept, minus what would let the bytes that were
 * hashed and the fields that are acted on differ:
 * - duplicate keys (JSON.parse keeps the last one silently; RFC 8259 §4 leaves
 *   it undefined, RFC 7493 §2.3 forbids it);
 * - the keys `__proto__`, `constructor` and `prototype` at any depth (a
 *   `__proto__` would be dropped by JCS yet read by a spread or a lookup);
 * - lone surrogates, raw or escaped (RFC 7493 §2.1; RFC 8785 §3.2.2.2 cannot
 *   canonicalise them);
 * - numbers a double cannot hold exactly as written: beyond ±(2^53−1)
 *   (RFC 7493 §2.2), not finite (1e400), or non-zero yet read as 0 (1e-400).
 * A single index-based pass with an explicit stack: no regex, no recursion,
 * no substring copies except each string's own.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

type Container = unknown[] | Record<string, unknown>;

const isDigit = (c: number) => c >= ZERO && c <= NINE;

function hexDigit(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 0x61 && c <= 0x66) return c - 0x57; // a-f
  if (c >= 0x41 && c <= 0x46) return c - 0x37; // A-F
  return -1;
}

const codeUnit = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

function describe(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : codeUnit(c);
}

/** `$.data.owners[0]`, `$["a b"]`: a key as a path segment a person can read. */
function segment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}]`;
}

/** Index of the first lone surrogate in `value`, or -1. */
function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

class Scanner {
  pos = 0;
  private readonly containers: Container[] = [];
  /** For each open object, the key whose value is being read (undefined while a key is read). */
  private readonly keys: Array<string | undefined> = [];

  constructor(
    private readonly text: string,
    private readonly what: string,
  ) {}

  private path(extra?: string): string {
    let path = '$';
    for (let depth = 0; depth < this.containers.length; depth++) {
      const container = this.containers[depth]!;
      if (Array.isArray(container)) path += `[${container.length}]`;
      else {
        const key = this.keys[depth];
        if (key === undefined) break;
        path += segment(key);
      }
    }
    return extra === undefined ? path : path + segment(extra);
  }

  private fail(detail: string, at = this.pos, key?: string): ProtocolError {
    return new ProtocolError(
      ProtocolErrorCode.BAD_JSON,
      `${detail} in ${this.what} at character ${at}`,
      this.path(key),
    );
  }

  private unexpected(context: string): ProtocolError {
    if (this.pos >= this.text.length) return this.fail(`ends ${context}`);
    return this.fail(`unexpected ${describe(this.text.charCodeAt(this.pos))} ${context}`);
  }

  private skipWhitespace(): number {
    const text = this.text;
    let pos = this.pos;
    let c = text.charCodeAt(pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos);
    this.pos = pos;
    return c; // NaN at the end
  }

  parse(): unknown {
    const text = this.text;
    const containers = this.containers;
    const keys = this.keys;
    let value: unknown;
    for (;;) {
      // A value starts here.
      const c = this.skipWhitespace();
      if (c === QUOTE) value = this.string('string');
      else if (c === OPEN_BRACE) {
        this.pos++;
        const object: Record<string, unknown> = {};
        if (this.skipWhitespace() === CLOSE_BRACE) {
          this.pos++;
          value = object;
        } else {
          containers.push(object);
          keys.push(undefined);
          this.key(object);
          continue;
        }
      } else if (c === OPEN_BRACKET) {
        this.pos++;
        const array: unknown[] = [];
        if (this.skipWhitespace() === CLOSE_BRACKET) {
          this.pos++;
          value = array;
        } else {
          containers.push(array);
          keys.push(undefined);
          continue;
        }
      } else if (c === MINUS || isDigit(c)) value = this.number();
      else if (c === 0x74 && text.startsWith('true', this.pos)) {
        this.pos += 4;
        value = true;
      } else if (c === 0x66 && text.startsWith('false', this.pos)) {
        this.pos += 5;
        value = false;
      } else if (c === 0x6e && text.startsWith('null', this.pos)) {
        this.pos += 4;
        value = null;
      } else throw this.unexpected('where a value should start');

      // The value is complete: hand it to the containers it closes.
      for (;;) {
        const depth = containers.length - 1;
        if (depth < 0) {
          if (!Number.isNaN(this.skipWhitespace())) throw this.unexpected('after the value');
          return value;
        }
        const container = containers[depth]!;
        const next = this.skipWhitespace();
        if (Array.isArray(container)) {
          container.push(value);
          if (next === COMMA) {
            this.pos++;
            if (this.skipWhitespace() === CLOSE_BRACKET) throw this.fail('trailing comma');
            break;
          }
          if (next !== CLOSE_BRACKET) throw this.unexpected("where ',' or ']' should follow an element");
        } else {
          // Safe: key() refused __proto__, so this never reaches a setter.
          container[keys[depth]!] = value;
          if (next === COMMA) {
            this.pos++;
            keys[depth] = undefined;
            if (this.skipWhitespace() === CLOSE_BRACE) throw this.fail('trailing comma');
            this.key(container);
            break;
          }
          if (next !== CLOSE_BRACE) throw this.unexpected("where ',' or '}' should follow a member");
        }
        this.pos++;
        containers.pop();
        keys.pop();
        value = container;
      }
    }
  }

  /** Reads `"key":` of `object` and makes it the current key; refuses the forbidden and the repeated. */
  private key(object: Record<string, unknown>): void {
    if (this.skipWhitespace() !== QUOTE) throw this.unexpected('where a key should start');
    const at = this.pos;
    const key = this.string('key');
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw this.fail(`forbidden key "${key}"`, at, key);
    }
    if (Object.hasOwn(object, key)) throw this.fail('duplicate key', at, key);
    if (this.skipWhitespace() !== COLON) throw this.unexpected("where ':' should follow a key");
    this.pos++;
    this.keys[this.keys.length - 1] = key;
  }

  /** A string at `pos` (its opening quote). Without escapes it is one slice of the text. */
  private string(kind: 'string' | 'key'): string {
    const text = this.text;
    const start = ++this.pos;
    let pos = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === BACKSLASH) return this.escapedString(kind, start, pos);
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        if (Number.isNaN(c)) throw this.fail(`unterminated ${kind}`, start - 1);
        throw this.fail(`unescaped control character ${codeUnit(c)} in a ${kind}`);
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(pos + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
          throw this.fail(`lone surrogate ${codeUnit(c)} in a ${kind}`, pos);
        }
        pos++;
      }
      pos++;
    }
  }

  private escapedString(kind: 'string' | 'key', start: number, from: number): string {
    const text = this.text;
    let out = text.slice(start, from);
    let pos = from;
    let chunk = from;
    let surrogates = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        out += text.slice(chunk, pos);
        break;
      }
      if (c === BACKSLASH) {
        out += text.slice(chunk, pos);
        const e = text.charCodeAt(pos + 1);
        switch (e) {
          case QUOTE:
            out += '"';
            break;
          case BACKSLASH:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            let unit = 0;
            for (let i = 2; i < 6; i++) {
              const digit = hexDigit(text.charCodeAt(pos + i));
              if (digit < 0) throw this.fail(`invalid \\u escape in a ${kind}`, pos);
              unit = unit * 16 + digit;
            }
            if (unit >= 0xd800 && unit <= 0xdfff) surrogates = true;
            out += String.fromCharCode(unit);
            pos += 4;
            break;
          }
          default:
            if (Number.isNaN(e)) throw this.fail(`unterminated ${kind}`, start - 1);
            throw this.fail(`invalid escape \\${String.fromCharCode(e)} in a ${kind}`, pos);
        }
        pos += 2;
        chunk = pos;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        if (Number.isNaN(c)) throw this.fail(`unterminated ${kind}`, start - 1);
        throw this.fail(`unescaped control character ${codeUnit(c)} in a ${kind}`);
      }
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
      pos++;
    }
    this.pos = pos + 1;
    if (surrogates) {
      const lone = loneSurrogateAt(out);
      if (lone >= 0) throw this.fail(`lone surrogate ${codeUnit(out.charCodeAt(lone))} in a ${kind}`, start - 1);
    }
    return out;
  }

  private number(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let negative = false;
    if (text.charCodeAt(pos) === MINUS) {
      negative = true;
      pos++;
    }
    let c = text.charCodeAt(pos);
    if (c === ZERO) {
      c = text.charCodeAt(++pos);
      if (isDigit(c)) throw this.fail('number with a leading zero', start);
    } else if (isDigit(c)) {
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
    } else {
      this.pos = pos;
      throw this.unexpected("where a digit should follow '-'");
    }
    const integerEnd = pos;
    let fraction = false;
    if (c === DOT) {
      c = text.charCodeAt(++pos);
      if (!isDigit(c)) {
        this.pos = pos;
        throw this.unexpected("where a digit should follow '.'");
      }
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
      fraction = true;
    }
    const mantissaEnd = pos;
    let exponent = false;
    if (c === 0x65 || c === 0x45) {
      c = text.charCodeAt(++pos);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++pos);
      if (!isDigit(c)) {
        this.pos = pos;
        throw this.unexpected('where a digit of the exponent should be');
      }
      do c = text.charCodeAt(++pos);
      while (isDigit(c));
      exponent = true;
    }
    this.pos = pos;
    const digits = integerEnd - start - (negative ? 1 : 0);
    if (!fraction && !exponent && digits <= 15) {
      // Exact without a conversion: fewer than 16 digits are below 2^53.
      let value = 0;
      for (let i = start + (negative ? 1 : 0); i < integerEnd; i++) value = value * 10 + (text.charCodeAt(i) - ZERO);
      return negative ? -value : value;
    }
    const literal = text.slice(start, pos);
    const value = Number(literal);
    const shown = literal.length > 40 ? `${literal.slice(0, 40)}…` : literal;
    if (!Number.isFinite(value)) throw this.fail(`number ${shown} is not finite`, start);
    if (Math.abs(value) > MAX_SAFE) throw this.fail(`number ${shown} is outside the JCS-safe range ±(2^53−1)`, start);
    if (value === 0) {
      for (let i = start; i < mantissaEnd; i++) {
        const d = text.charCodeAt(i);
        if (d > ZERO && d <= NINE) throw this.fail(`number ${shown} is not zero yet reads as 0`, start);
      }
    }
    return value;
  }
}

/**
 * Parses JSON text strictly (see the module comment). `what` names the text
 * in the refusal ("the receipt", "a Kafka record"). Throws only
 * ProtocolError(BAD_JSON), its attribute the path of the offending value or
 * key (`$.data.owners[0]`), its reason what is wrong and where.
 */
export function parseStrictJson(text: string, what = 'the JSON text'): unknown {
  return new Scanner(text, what).parse();
}

// ignoreBOM keeps a byte-order mark in the text, where the parser refuses it as JSON.parse does.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as UTF-8 (refusing any invalid sequence), then parseStrictJson. */
export function parseStrictJsonBytes(bytes: Uint8Array, what = 'the JSON text'): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.BAD_JSON, `${what} is not UTF-8 text`, '$');
  }
  return parseStrictJson(text, what);
}
