import fc from 'fast-check';

import { ProtocolError } from '../errors/protocol-error.js';
import { parseStrictJson, parseStrictJsonBytes } from './strict-json.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refusal(text: string, what?: string): string {
  try {
    parseStrictJson(text, what);
  } catch (error) {
    if (error instanceof ProtocolError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(text)}`);
}

describe('parseStrictJson', () => {
  describe('RFC 8259 examples', () => {
    it('reads the §13 image object as JSON.parse does', () => {
      const sut = `{
        "Image": {
            "Width":  800,
            "Height": 600,
            "Title":  "View from 15th Floor",
            "Thumbnail": {
                "Url":    "http://www.example.com/image/481989943",
                "Height": 125,
                "Width":  100
            },
            "Animated" : false,
            "IDs": [116, 943, 234, 38793]
          }
      }`;
      expect(parseStrictJson(sut)).toEqual(JSON.parse(sut));
    });

    it('reads the §13 array of two objects as JSON.parse does', () => {
      const sut = `[
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ]`;
      expect(parseStrictJson(sut)).toEqual(JSON.parse(sut));
    });

    it.each([['"Hello world!"'], ['42'], ['true'], ['null'], ['-0'], ['1.5e-3'], ['[]'], ['{}'], [' \t\r\n7 ']])(
      'reads the top-level value %j',
      (text) => {
        expect(parseStrictJson(text)).toStrictEqual(JSON.parse(text));
      },
    );

    it('decodes every escape of §7, surrogate pairs escaped and raw (the G clef)', () => {
      const sut = '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\uD834\\uDD1E 𝄞"';
      expect(parseStrictJson(sut)).toBe('"\\/\b\f\n\r\tAé𝄞 𝄞');
    });
  });

  it('builds plain objects, whose inherited names are ordinary keys', () => {
    const sut = parseStrictJson('{"toString":1,"hasOwnProperty":2,"a":{"valueOf":3}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(sut)).toBe(Object.prototype);
    expect(sut).toEqual({ toString: 1, hasOwnProperty: 2, a: { valueOf: 3 } });
  });

  describe('refusals, each naming the path and the reason', () => {
    it.each([
      ['{"a":1,"a":2}', 'PROTOCOL.BAD_JSON: $.a: duplicate key in the JSON text at character 7'],
      [
        '{"data":{"owners":[{"share":"1/2","share":"1/1"}]}}',
        'PROTOCOL.BAD_JSON: $.data.owners[0].share: duplicate key in the JSON text at character 34',
      ],
      ['{"a b":1,"a b":2}', 'PROTOCOL.BAD_JSON: $["a b"]: duplicate key in the JSON text at character 9'],
      [
        '{"__proto__":{"x":1}}',
        'PROTOCOL.BAD_JSON: $.__proto__: forbidden key "__proto__" in the JSON text at character 1',
      ],
      [
        '{"data":{"owners":[{"__proto__":1}]}}',
        'PROTOCOL.BAD_JSON: $.data.owners[0].__proto__: forbidden key "__proto__" in the JSON text at character 20',
      ],
      [
        '{"\\u005f_proto__":1}',
        'PROTOCOL.BAD_JSON: $.__proto__: forbidden key "__proto__" in the JSON text at character 1',
      ],
      [
        '{"a":{"constructor":1}}',
        'PROTOCOL.BAD_JSON: $.a.constructor: forbidden key "constructor" in the JSON text at character 6',
      ],
      [
        '[{"prototype":1}]',
        'PROTOCOL.BAD_JSON: $[0].prototype: forbidden key "prototype" in the JSON text at character 2',
      ],
      ['"\\ud800"', 'PROTOCOL.BAD_JSON: $: lone surrogate U+D800 in a string in the JSON text at character 0'],
      ['{"a":"x\\udc00"}', 'PROTOCOL.BAD_JSON: $.a: lone surrogate U+DC00 in a string in the JSON text at character 5'],
      ['"\\ud800\\u0041"', 'PROTOCOL.BAD_JSON: $: lone surrogate U+D800 in a string in the JSON text at character 0'],
      ['"\ud800x"', 'PROTOCOL.BAD_JSON: $: lone surrogate U+D800 in a string in the JSON text at character 1'],
      ['"x\udc00"', 'PROTOCOL.BAD_JSON: $: lone surrogate U+DC00 in a string in the JSON text at character 2'],
      ['{"\ud800":1}', 'PROTOCOL.BAD_JSON: $: lone surrogate U+D800 in a key in the JSON text at character 2'],
      ['{"\\udbff":1}', 'PROTOCOL.BAD_JSON: $: lone surrogate U+DBFF in a key in the JSON text at character 1'],
      [
        '{"n":9007199254740992}',
        'PROTOCOL.BAD_JSON: $.n: number 9007199254740992 is outside the JCS-safe range ±(2^53−1) in the JSON text at character 5',
      ],
      [
        '[-9007199254740992]',
        'PROTOCOL.BAD_JSON: $[0]: number -9007199254740992 is outside the JCS-safe range ±(2^53−1) in the JSON text at character 1',
      ],
      [
        '1e20',
        'PROTOCOL.BAD_JSON: $: number 1e20 is outside the JCS-safe range ±(2^53−1) in the JSON text at character 0',
      ],
      ['1e400', 'PROTOCOL.BAD_JSON: $: number 1e400 is not finite in the JSON text at character 0'],
      ['-1e400', 'PROTOCOL.BAD_JSON: $: number -1e400 is not finite in the JSON text at character 0'],
      ['1e-400', 'PROTOCOL.BAD_JSON: $: number 1e-400 is not zero yet reads as 0 in the JSON text at character 0'],
      ['[1,]', 'PROTOCOL.BAD_JSON: $[1]: trailing comma in the JSON text at character 3'],
      ['{"a":1,}', 'PROTOCOL.BAD_JSON: $: trailing comma in the JSON text at character 7'],
      ['/* c */ 1', "PROTOCOL.BAD_JSON: $: unexpected '/' where a value should start in the JSON text at character 0"],
      ['1 // c', "PROTOCOL.BAD_JSON: $: unexpected '/' after the value in the JSON text at character 2"],
      ['01', 'PROTOCOL.BAD_JSON: $: number with a leading zero in the JSON text at character 0'],
      ['-01', 'PROTOCOL.BAD_JSON: $: number with a leading zero in the JSON text at character 0'],
      [
        '"a\nb"',
        'PROTOCOL.BAD_JSON: $: unescaped control character U+000A in a string in the JSON text at character 2',
      ],
      [
        '"a\\"\tb"',
        'PROTOCOL.BAD_JSON: $: unescaped control character U+0009 in a string in the JSON text at character 4',
      ],
      ['{"a":1} x', "PROTOCOL.BAD_JSON: $: unexpected 'x' after the value in the JSON text at character 8"],
      ['', 'PROTOCOL.BAD_JSON: $: ends where a value should start in the JSON text at character 0'],
      [
        '\uFEFF{}',
        'PROTOCOL.BAD_JSON: $: unexpected U+FEFF where a value should start in the JSON text at character 0',
      ],
      [
        '{"a":1',
        "PROTOCOL.BAD_JSON: $.a: ends where ',' or '}' should follow a member in the JSON text at character 6",
      ],
      [
        '[1 2]',
        "PROTOCOL.BAD_JSON: $[1]: unexpected '2' where ',' or ']' should follow an element in the JSON text at character 3",
      ],
      ['{"a" 1}', "PROTOCOL.BAD_JSON: $: unexpected '1' where ':' should follow a key in the JSON text at character 5"],
      ["{'a':1}", "PROTOCOL.BAD_JSON: $: unexpected ''' where a key should start in the JSON text at character 1"],
      [
        '{"a":{"b":[1,{"c":tru}]}}',
        "PROTOCOL.BAD_JSON: $.a.b[1].c: unexpected 't' where a value should start in the JSON text at character 18",
      ],
      ['NaN', "PROTOCOL.BAD_JSON: $: unexpected 'N' where a value should start in the JSON text at character 0"],
      ['+1', "PROTOCOL.BAD_JSON: $: unexpected '+' where a value should start in the JSON text at character 0"],
      ['.5', "PROTOCOL.BAD_JSON: $: unexpected '.' where a value should start in the JSON text at character 0"],
      ['1.', "PROTOCOL.BAD_JSON: $: ends where a digit should follow '.' in the JSON text at character 2"],
      ['1e+', 'PROTOCOL.BAD_JSON: $: ends where a digit of the exponent should be in the JSON text at character 3'],
      ['-', "PROTOCOL.BAD_JSON: $: ends where a digit should follow '-' in the JSON text at character 1"],
      ['"\\x"', 'PROTOCOL.BAD_JSON: $: invalid escape \\x in a string in the JSON text at character 1'],
      ['"\\u12g4"', 'PROTOCOL.BAD_JSON: $: invalid \\u escape in a string in the JSON text at character 1'],
      ['"abc', 'PROTOCOL.BAD_JSON: $: unterminated string in the JSON text at character 0'],
      ['"a\\', 'PROTOCOL.BAD_JSON: $: unterminated string in the JSON text at character 0'],
      ['{"a', 'PROTOCOL.BAD_JSON: $: unterminated key in the JSON text at character 1'],
    ])('refuses %j', (text, message) => {
      expect(refusal(text)).toBe(message);
    });

    it.each([
      ['[1,]'],
      ['{"a":1,}'],
      ['01'],
      ['"a\nb"'],
      ['{"a":1} x'],
      [''],
      ['/* c */ 1'],
      ['\uFEFF{}'],
      ["{'a':1}"],
    ])('refuses %j, as JSON.parse does', (text) => {
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
      expect(() => parseStrictJson(text)).toThrow(ProtocolError);
    });

    it('names the text it was given in the reason', () => {
      expect(refusal('{"a":1,"a":2}', 'the receipt')).toBe(
        'PROTOCOL.BAD_JSON: $.a: duplicate key in the receipt at character 7',
      );
    });

    it('accepts the largest safe integers and zero written as such', () => {
      expect(parseStrictJson('[9007199254740991,-9007199254740991,0e5,0.0,1e-300]')).toEqual([
        9007199254740991, -9007199254740991, 0, 0, 1e-300,
      ]);
    });

    it('refuses nothing JSON.parse cannot tell apart from its own reading once the keys are unique', () => {
      expect(parseStrictJson('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toEqual({
        a: { a: { a: 1 } },
        b: [{ a: 1 }, { a: 2 }],
      });
    });

    it('reads deep nesting without recursion', () => {
      const depth = 100_000;
      const sut = parseStrictJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      expect(Array.isArray(sut)).toBe(true);
    });
  });

  describe('bytes', () => {
    it('reads UTF-8 bytes', () => {
      expect(parseStrictJsonBytes(new TextEncoder().encode('{"name":"Ärztekammer"}'))).toEqual({ name: 'Ärztekammer' });
    });

    it('refuses bytes that are not UTF-8', () => {
      expect(() => parseStrictJsonBytes(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), 'a Kafka record')).toThrow(
        'PROTOCOL.BAD_JSON: $: a Kafka record is not UTF-8 text',
      );
    });

    it('refuses a byte-order mark instead of skipping it', () => {
      expect(() => parseStrictJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toThrow(
        'PROTOCOL.BAD_JSON: $: unexpected U+FEFF where a value should start in the JSON text at character 0',
      );
    });
  });

  describe('agrees with JSON.parse on everything it accepts (property, fast-check)', () => {
    const forbidden = new Set(['__proto__', 'constructor', 'prototype']);
    const key = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => !forbidden.has(k));
    const safeNumber = fc.oneof(
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary' }).filter((s) => !LONE_SURROGATE.test(s)),
        safeNumber,
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value')),
        fc.dictionary(key, tie('value')),
      ),
    }));

    it('parseStrictJson(JSON.stringify(v)) deep-equals JSON.parse of the same text', () => {
      fc.assert(
        fc.property(value, fc.constantFrom(undefined, 2), (v, indent) => {
          const text = JSON.stringify(v, null, indent);
          expect(parseStrictJson(text)).toStrictEqual(JSON.parse(text));
        }),
        { numRuns: 2000 },
      );
    });

    it('refuses any document that repeats a key, at any depth', () => {
      fc.assert(
        fc.property(value, key, fc.integer({ min: 0, max: 3 }), (v, k, depth) => {
          let text = `{${JSON.stringify(k)}:1,${JSON.stringify(k)}:${JSON.stringify(v)}}`;
          for (let i = 0; i < depth; i++) text = `{"x":[${text}]}`;
          expect(() => parseStrictJson(text)).toThrow('duplicate key');
        }),
      );
    });
  });
});
