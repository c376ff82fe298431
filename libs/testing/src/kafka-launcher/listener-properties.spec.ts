import { listenerProperties } from './listener-properties.js';

const security = { admin: { username: 'admin', password: 'p' }, users: [{ username: 'land', password: 'q' }] };
const tls = { caFile: '/ca/ca.crt', keystoreFile: '/ca/kafka-node.keystore.pem' };

describe('listenerProperties', () => {
  it('secured: SASL_SSL for clients and brokers, SSL with client certificates on the controller, no ANONYMOUS', () => {
    const properties = listenerProperties({ brokerPort: 9092, controllerPort: 9093 }, security, tls);
    expect(properties.listeners).toBe('SASL_SSL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(properties['listener.security.protocol.map']).toBe('SASL_SSL:SASL_SSL,CONTROLLER:SSL');
    expect(properties['inter.broker.listener.name']).toBe('SASL_SSL');
    expect(properties['listener.name.controller.ssl.client.auth']).toBe('required');
    expect(properties['super.users']).toBe('User:admin;User:kafka-node');
    expect(properties['ssl.endpoint.identification.algorithm']).toBe('https');
    expect(Object.values(properties).join('\n')).not.toMatch(/ANONYMOUS|PLAINTEXT/);
  });

  it('a broker-only node of a cluster has no controller listener', () => {
    expect(listenerProperties({ brokerPort: 9094 }, security, tls).listeners).toBe('SASL_SSL://127.0.0.1:9094');
  });

  it('refuses a secured node without TLS material', () => {
    expect(() => listenerProperties({ brokerPort: 1 }, security, undefined)).toThrow(
      'a secured Kafka node needs its TLS material (the development CA)',
    );
  });

  it('without security: the plaintext development broker', () => {
    expect(listenerProperties({ brokerPort: 1, controllerPort: 2 }, undefined, undefined)).toEqual({
      listeners: 'PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:1',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
    });
  });
});
