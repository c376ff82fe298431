import { readMirrorPage } from './mirror-source.js';

describe("reading a mirror's page of entries", () => {
  const url = 'http://127.0.0.1:3002';

  it('reads a page', () => {
    expect(readMirrorPage('{"mirror":"credit","chain":"land","records":[],"next":null}', url)).toEqual({
      mirror: 'credit',
      chain: 'land',
      records: [],
      next: null,
    });
  });

  it('refuses {"a":1,"a":2}, naming the mirror', () => {
    expect(() => readMirrorPage('{"a":1,"a":2}', url)).toThrow(
      'PROTOCOL.BAD_JSON: $.a: duplicate key in the mirror page of http://127.0.0.1:3002 at character 7',
    );
  });

  it('refuses a record whose data carries a __proto__ field, naming the record', () => {
    const page =
      '{"mirror":"credit","chain":"land","records":[{"seq":"1"},{"seq":"2","data":{"fields":{"__proto__":{"owner":"x"}}}}],"next":null}';
    expect(() => readMirrorPage(page, url)).toThrow(
      'PROTOCOL.BAD_JSON: $.records[1].data.fields.__proto__: forbidden key "__proto__" in the mirror page of http://127.0.0.1:3002 at character 86',
    );
  });

  it('refuses a record that repeats its seq', () => {
    expect(() => readMirrorPage('{"records":[{"seq":"1","seq":"9"}]}', url)).toThrow(
      'PROTOCOL.BAD_JSON: $.records[0].seq: duplicate key in the mirror page of http://127.0.0.1:3002 at character 23',
    );
  });
});
