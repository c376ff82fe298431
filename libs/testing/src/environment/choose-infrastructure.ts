/**
 * Where integration tests get their Kafka and Postgres from, in this order:
 * the environment (KAFKA_BROKERS / DATABASE_URL), testcontainers when a
 * container engine answers, else the project's own launcher for Kafka and the
 * local Postgres server. Pure, so the choice has a unit test.
 */
export type KafkaSource = { kind: 'external'; brokers: string } | { kind: 'testcontainers' } | { kind: 'launcher' };

export type PostgresSource =
  { kind: 'external'; adminUrl: string } | { kind: 'testcontainers' } | { kind: 'local'; adminUrl: string };

export interface InfrastructureChoice {
  kafka: KafkaSource;
  postgres: PostgresSource;
}

export const LOCAL_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function chooseInfrastructure(
  env: { KAFKA_BROKERS?: string; DATABASE_URL?: string },
  containerEngineAnswers: boolean,
): InfrastructureChoice {
  const brokers = env.KAFKA_BROKERS?.trim();
  const databaseUrl = env.DATABASE_URL?.trim();
  return {
    kafka: brokers
      ? { kind: 'external', brokers }
      : containerEngineAnswers
        ? { kind: 'testcontainers' }
        : { kind: 'launcher' },
    postgres: databaseUrl
      ? { kind: 'external', adminUrl: databaseUrl }
      : containerEngineAnswers
        ? { kind: 'testcontainers' }
        : { kind: 'local', adminUrl: LOCAL_POSTGRES_ADMIN_URL },
  };
}
