import { join } from 'node:path';

import { loadDepartmentConfig, type DepartmentConfig } from '@registry-bus/kit';
import type { integrationEnvironment } from '@registry-bus/testing';

type Environment = ReturnType<typeof integrationEnvironment>;

/**
 * A department's configuration for tests, through the same validation as
 * production: its own fresh database, the shared test broker under a
 * namespace (accepted as a development broker), keys and trust bundle in `local` (see ensureDevTrust), any port.
 */
export async function departmentTestConfig(
  env: Environment,
  local: string,
  department: string,
  namespace: string,
  overrides: Record<string, string> = {},
): Promise<DepartmentConfig> {
  const owner = await env.createDatabase(department);
  const config = loadDepartmentConfig({
    DATABASE_URL: owner,
    DATABASE_MIGRATIONS_URL: owner,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    KAFKA_TOPIC_NAMESPACE: namespace,
    // The run's test broker is a single one unless REGISTRY_BUS_TEST_KAFKA_BROKERS_COUNT made it a cluster.
    KAFKA_DEV_SINGLE_BROKER: String(env.kafkaBrokers.length < 3),
    KEYS_DIR: join(local, 'keys', department),
    TRUST_BUNDLE_FILE: join(local, 'trust-bundle.json'),
    TRUST_ROOT_PUBLIC_KEY_FILE: join(local, 'trust-root.pub'),
    LOG_LEVEL: 'info',
    // Plain HTTP unless a test gives the app a certificate (TLS_CERT_FILE, TLS_KEY_FILE): test/e2e/https.spec.ts.
    HTTP_DEV_PLAINTEXT: 'true',
    // The shared test broker and Postgres are a developer's: one broker, no TLS to the database.
    DEPLOYMENT_MODE: 'development',
    // The Kafka client every app of the run speaks through (KAFKA_CLIENT=kafkajs npm test …; unset, the default).
    ...(env.kafkaClient ? { KAFKA_CLIENT: env.kafkaClient } : {}),
    ...overrides,
  });
  return { ...config, PORT: 0 };
}
