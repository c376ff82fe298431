import { freePort } from '../ports/free-port.js';
import { KAFKA_VERSION } from '../kafka-launcher/kafka-version.js';

/** Same broker version as the launcher, so both paths run against the proven broker. */
export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
/** Same major as the Postgres on the project's machines. */
export const POSTGRES_IMAGE = 'postgres:15.15';

export interface StartedContainer {
  stop(): Promise<unknown>;
}

/**
 * Kafka in KRaft mode from the official apache/kafka image. The host port is
 * chosen first and published 1:1, so the advertised listener is known before
 * the broker starts.
 */
export async function startKafkaContainer(): Promise<{ brokers: string; container: StartedContainer }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const hostPort = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { brokers: `127.0.0.1:${hostPort}`, container };
}

export async function startPostgresContainer(): Promise<{ adminUrl: string; container: StartedContainer }> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE)
    .withUsername('postgres')
    .withPassword('postgres')
    .withDatabase('postgres')
    .start();
  return { adminUrl: container.getConnectionUri(), container };
}
