import { readJson, readJsonAnswer } from '../src/read-json.js';

describe("the portal's JSON reading", () => {
  it('refuses a receipt with a duplicate key, naming it', () => {
    expect(() => readJson('{"a":1,"a":2}', 'the receipt')).toThrow(
      'PROTOCOL.BAD_JSON: $.a: duplicate key in the receipt at character 7',
    );
  });

  it('refuses a receipt with a __proto__ field, naming it', () => {
    expect(() => readJson('{"entry":{"disclosure":{"fields":{"__proto__":{"holder":"x"}}}}}', 'the receipt')).toThrow(
      'PROTOCOL.BAD_JSON: $.entry.disclosure.fields.__proto__: forbidden key "__proto__" in the receipt at character 34',
    );
  });

  it('refuses an answer with a duplicate key, naming it', async () => {
    await expect(
      readJsonAnswer(new Response('{"status":"valid","status":"revoked"}'), 'the diploma status'),
    ).rejects.toThrow('PROTOCOL.BAD_JSON: $.status: duplicate key in the diploma status at character 18');
  });

  it('reads an ordinary answer', async () => {
    await expect(readJsonAnswer(new Response('{"status":"valid"}'), 'the diploma status')).resolves.toEqual({
      status: 'valid',
    });
  });
});
