import { randomBytes } from 'node:crypto';

import { createDatabase, createRole, throwawayName } from '../postgres/throwaway-databases.js';

export const ENV_KEYS = {
  runId: 'REGISTRY_BUS_TEST_RUN_ID',
  kafkaBrokers: 'REGISTRY_BUS_TEST_KAFKA_BROKERS',
  databaseAdminUrl: 'REGISTRY_BUS_TEST_DATABASE_ADMIN_URL',
} as const;

export interface IntegrationEnvironment {
  runId: string;
  kafkaBrokers: string[];
  databaseAdminUrl: string;
  /** KAFKA_CLIENT of the run (`KAFKA_CLIENT=platformatic` runs every app of a test on that client); unset: the default. */
  kafkaClient?: string;
  /** A topic, group or client name no other run or test uses: `<prefix>-<run>-<n>`. */
  uniqueName(prefix: string): string;
  /** A fresh database of this run, dropped with the run; returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** A fresh login role of this run, dropped with the run. */
  createRole(name: string): Promise<{ user: string; password: string }>;
}

let counter = 0;

/**
 * The one call an integration test makes to learn where Kafka and Postgres
 * are. They were started by the integration project's globalSetup.
 */
export function integrationEnvironment(env: NodeJS.ProcessEnv = process.env): IntegrationEnvironment {
  const runId = env[ENV_KEYS.runId];
  const brokers = env[ENV_KEYS.kafkaBrokers];
  const adminUrl = env[ENV_KEYS.databaseAdminUrl];
  if (!runId || !brokers || !adminUrl) {
    throw new Error(
      `integration environment missing (${Object.values(ENV_KEYS).join(', ')}): ` +
        'run integration tests through `npm test` or `npm run test:integration`, whose globalSetup starts Kafka and Postgres',
    );
  }
  // Each test file runs in its own module registry, so the worker id and a random tag keep names apart.
  const worker = env.JEST_WORKER_ID ?? '0';
  const fileTag = randomBytes(2).toString('hex');
  return {
    runId,
    kafkaBrokers: brokers.split(',').map((broker) => broker.trim()),
    databaseAdminUrl: adminUrl,
    ...(env.KAFKA_CLIENT ? { kafkaClient: env.KAFKA_CLIENT } : {}),
    uniqueName: (prefix) => `${prefix}-${runId}-${worker}${fileTag}-${++counter}`,
    createDatabase: (name) =>
      createDatabase(adminUrl, throwawayName(runId, `${worker}${fileTag}_${++counter}_${name}`)),
    createRole: async (name) => {
      const user = throwawayName(runId, `${worker}${fileTag}_${++counter}_${name}`);
      const password = randomBytes(12).toString('hex');
      await createRole(adminUrl, user, password);
      return { user, password };
    },
  };
}
