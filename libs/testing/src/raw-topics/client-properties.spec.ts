import { clientPropertiesOf, propertiesText, rawReaderOptionsOf } from './client-properties.js';

describe('clientPropertiesOf', () => {
  it('SCRAM credentials and a CA: SASL_SSL trusting that CA only, with hostname verification', () => {
    expect(
      clientPropertiesOf({
        brokers: ['127.0.0.1:1', '127.0.0.1:2'],
        sasl: { username: 'admin', password: 'p' },
        caFile: '/ca.crt',
      }),
    ).toEqual({
      'bootstrap.servers': '127.0.0.1:1,127.0.0.1:2',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="p";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/ca.crt',
      'ssl.endpoint.identification.algorithm': 'https',
    });
  });

  it('neither: PLAINTEXT, the development broker', () => {
    expect(clientPropertiesOf({ brokers: ['127.0.0.1:9'] })).toEqual({
      'bootstrap.servers': '127.0.0.1:9',
      'security.protocol': 'PLAINTEXT',
    });
  });

  it('credentials without a CA: SASL_PLAINTEXT; a CA without credentials: SSL', () => {
    const sasl = { username: 'u', password: 'p' };
    expect(clientPropertiesOf({ brokers: ['b:1'], sasl })['security.protocol']).toBe('SASL_PLAINTEXT');
    expect(clientPropertiesOf({ brokers: ['b:1'], caFile: '/ca' })['security.protocol']).toBe('SSL');
  });

  it('escapes quotes and backslashes of the credentials in the JAAS line', () => {
    const sut = clientPropertiesOf({ brokers: ['b:1'], sasl: { username: 'a"b', password: 'c\\d"' } });
    expect(sut['sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="a\\"b" password="c\\\\d\\"";',
    );
  });

  it('refuses an empty broker list', () => {
    expect(() => clientPropertiesOf({ brokers: [] })).toThrow('the raw reader needs at least one broker');
  });
});

describe('rawReaderOptionsOf', () => {
  const kafka = {
    brokers: '127.0.0.1:1,127.0.0.1:2',
    caFile: '/dir/ca/ca.crt',
    saslOf: (username: string) => ({ mechanism: 'scram-sha-512' as const, username, password: `${username}-pw` }),
  };

  it("a launched secured broker's admin: its brokers, CA and credentials", () => {
    expect(rawReaderOptionsOf(kafka)).toEqual({
      brokers: ['127.0.0.1:1', '127.0.0.1:2'],
      sasl: { username: 'admin', password: 'admin-pw' },
      caFile: '/dir/ca/ca.crt',
    });
  });

  it('a broker without security: brokers only', () => {
    expect(
      rawReaderOptionsOf({ brokers: '127.0.0.1:1', caFile: undefined, saslOf: () => undefined }, 'x', 500),
    ).toEqual({ brokers: ['127.0.0.1:1'], timeoutMs: 500 });
  });
});

describe('propertiesText', () => {
  it('escapes separators, comment marks, spaces, backslashes and line breaks', () => {
    expect(propertiesText({ 'a.b': 'x=y: #!\\ z', 'k=1': 'line\nbreak\r\t\f' })).toBe(
      'a.b=x\\=y\\:\\ \\#\\!\\\\\\ z\n' + 'k\\=1=line\\nbreak\\r\\t\\f\n',
    );
  });
});
