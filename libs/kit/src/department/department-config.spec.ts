import { ConfigError } from '@registry-bus/config';

import { loadDepartmentConfig } from './department-config.js';

const env = {
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/land',
  KAFKA_BROKERS: '127.0.0.1:9092',
  KEYS_DIR: '/tmp/keys',
  TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
  TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
};

describe('KAFKA_CLIENT in a department configuration', () => {
  it('is kafkajs when unset', () => {
    expect(loadDepartmentConfig(env).KAFKA_CLIENT).toBe('kafkajs');
  });

  it('takes platformatic', () => {
    expect(loadDepartmentConfig({ ...env, KAFKA_CLIENT: 'platformatic' }).KAFKA_CLIENT).toBe('platformatic');
  });

  it('refuses another client at start-up, naming the variable and the choices', () => {
    const sut = () => loadDepartmentConfig({ ...env, KAFKA_CLIENT: 'confluent' });
    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow('  - KAFKA_CLIENT: must be one of kafkajs, platformatic');
  });
});
