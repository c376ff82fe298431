import {
  SignatureDomain,
  signMessage,
  testSigner,
  testTrustBundle,
  verifyEd25519,
  verifyMessage,
} from '@registry-bus/protocol';

import { readSignedMessage, type QueryReply } from './query-messages.js';

describe('reading a signed query or reply off its topic', () => {
  const credit = testSigner('credit');
  const reply: QueryReply = {
    v: 1,
    id: '0f8b2c1e-5a4d-4c3b-9a2e-1d0c9b8a7f6e',
    from: 'credit',
    to: 'land',
    answeredAt: '2026-11-25T10:00:00.000Z',
    result: { ok: true, fields: '*', answer: { pledged: false } },
  };
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads a signed reply that then verifies', async () => {
    const signed = await signMessage(SignatureDomain.QUERY_REPLY, reply, 'credit', credit);
    const sut = readSignedMessage<QueryReply>(bytes(JSON.stringify(signed)), 'a query reply');
    expect(
      verifyMessage(
        SignatureDomain.QUERY_REPLY,
        sut,
        testTrustBundle({ credit: [credit] }),
        verifyEd25519,
        new Date('2026-11-25T10:00:00.000Z'),
      ),
    ).toEqual(reply);
  });

  it('refuses {"a":1,"a":2}, naming the key', () => {
    expect(() => readSignedMessage(bytes('{"a":1,"a":2}'), 'a query reply')).toThrow(
      'PROTOCOL.BAD_JSON: $.a: duplicate key in a query reply at character 7',
    );
  });

  it('refuses a signed reply whose answer repeats a field: the signed one and the read one could differ', async () => {
    const text = JSON.stringify(await signMessage(SignatureDomain.QUERY_REPLY, reply, 'credit', credit));
    const doubled = text.replace('"pledged":false', '"pledged":false,"pledged":true');
    expect(doubled).not.toBe(text);
    expect(() => readSignedMessage(bytes(doubled), 'a query reply')).toThrow(
      /^PROTOCOL\.BAD_JSON: \$\.message\.result\.answer\.pledged: duplicate key in a query reply at character \d+$/,
    );
  });

  it('refuses a query with a __proto__ field, naming it', () => {
    expect(() =>
      readSignedMessage(bytes('{"message":{"params":{"__proto__":{"parcelId":"CAD-1"}}}}'), 'a query'),
    ).toThrow('PROTOCOL.BAD_JSON: $.message.params.__proto__: forbidden key "__proto__" in a query at character 22');
  });

  it('refuses an empty record', () => {
    expect(() => readSignedMessage(null, 'a query')).toThrow(
      'PROTOCOL.BAD_JSON: $: ends where a value should start in a query at character 0',
    );
  });
});
