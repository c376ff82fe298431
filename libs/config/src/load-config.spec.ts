import { z } from 'zod';

import { ConfigError, loadConfig } from './load-config.js';
import { brokerList, port, postgresUrl } from './variables.js';

const schema = z.object({
  PORT: port(3001),
  KAFKA_BROKERS: brokerList,
  DATABASE_URL: postgresUrl,
});

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const sut = loadConfig(schema, {
      KAFKA_BROKERS: '127.0.0.1:9092, k2:9093',
      DATABASE_URL: 'postgres://u@h:5432/db',
    });
    expect(sut).toEqual({
      PORT: 3001,
      KAFKA_BROKERS: ['127.0.0.1:9092', 'k2:9093'],
      DATABASE_URL: 'postgres://u@h:5432/db',
    });
  });

  it('names every missing and every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', DATABASE_URL: 'mysql://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid environment variables:/);
    expect(message).toMatch(/PORT: .*65535/);
    expect(message).toMatch(/KAFKA_BROKERS: is required but not set/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ connection URL/);
  });

  it('refuses a broker list without ports', () => {
    expect(() => loadConfig(schema, { KAFKA_BROKERS: 'kafka', DATABASE_URL: 'postgres://h/db' })).toThrow(/host:port/);
  });
});
