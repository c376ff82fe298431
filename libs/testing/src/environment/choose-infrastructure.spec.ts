import { LOCAL_POSTGRES_ADMIN_URL, chooseInfrastructure } from './choose-infrastructure.js';

describe('chooseInfrastructure', () => {
  it('uses KAFKA_BROKERS and DATABASE_URL when both are set, even with a container engine', () => {
    const sut = chooseInfrastructure({ KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://db/x' }, true);
    expect(sut).toEqual({
      kafka: { kind: 'external', brokers: 'k:9092' },
      postgres: { kind: 'external', adminUrl: 'postgres://db/x' },
    });
  });

  it('uses testcontainers for what the environment does not name when a container engine answers', () => {
    const sut = chooseInfrastructure({ KAFKA_BROKERS: 'k:9092' }, true);
    expect(sut.kafka).toEqual({ kind: 'external', brokers: 'k:9092' });
    expect(sut.postgres).toEqual({ kind: 'testcontainers' });
  });

  it('falls back to the launcher and the local Postgres without a container engine', () => {
    const sut = chooseInfrastructure({}, false);
    expect(sut).toEqual({
      kafka: { kind: 'launcher' },
      postgres: { kind: 'local', adminUrl: LOCAL_POSTGRES_ADMIN_URL },
    });
  });

  it('treats blank variables as unset', () => {
    const sut = chooseInfrastructure({ KAFKA_BROKERS: '  ', DATABASE_URL: '' }, false);
    expect(sut.kafka.kind).toBe('launcher');
    expect(sut.postgres.kind).toBe('local');
  });
});
