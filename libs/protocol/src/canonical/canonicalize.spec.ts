import { CanonicalizationError, canonicalize } from './canonicalize.js';

/**
 * Test data of the RFC 8785 reference implementation,
 * cyberphone/json-canonicalization, testdata/input/*.json → testdata/output/*.json
 * (values, structures, weird), and the examples of RFC 8785 §3.2.2 and §3.2.3.
 */
describe('canonicalize (RFC 8785)', () => {
  it('canonicalizes the reference "values" test data', () => {
    const input = JSON.parse(
      '{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001], "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    );
  });

  it('canonicalizes the reference "structures" test data', () => {
    const input = JSON.parse(
      '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}',
    );
    expect(canonicalize(input)).toBe(
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    );
  });

  it('sorts keys by UTF-16 code units: the reference "weird" test data', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley", "\\u00f6": "Latin Small Letter O With Diaeresis", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}',
    );
    expect(canonicalize(input)).toBe(
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serialises numbers as ECMAScript does (RFC 8785 §3.2.2.3 examples)', () => {
    expect(canonicalize([0, -0, 1e21, 1e-7, 123456789012345680000, 9007199254740991, 0.000001])).toBe(
      '[0,0,1e+21,1e-7,123456789012345680000,9007199254740991,0.000001]',
    );
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a BigInt', 10n],
    ['a symbol', Symbol('x')],
    ['a lone surrogate', '\ud800x'],
    ['a Date', new Date(0)],
    ['a nested NaN', { a: [1, { b: NaN }] }],
    // eslint-disable-next-line no-sparse-arrays
    ['an array with a hole', [1, , 2]],
    ['nesting deeper than 64 levels', JSON.parse('['.repeat(65) + ']'.repeat(65)) as unknown],
  ])('refuses %s with a clear error', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalizationError);
  });

  it('names where the bad value is', () => {
    expect(() => canonicalize({ parcel: { area: Infinity } })).toThrow(/parcel\.area/);
  });
});
