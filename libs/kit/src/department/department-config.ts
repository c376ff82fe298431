import { loadConfig, variables } from '@registry-bus/config';
import { z } from 'zod';

/** What every department app reads from its environment (README, "Configuration"). */
export const departmentConfigSchema = z.object({
  PORT: variables.port(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: variables.postgresUrl,
  /** The owner connection that runs migrations at start-up; without it the app expects them done. */
  DATABASE_MIGRATIONS_URL: variables.postgresUrl.optional(),
  KAFKA_BROKERS: variables.brokerList,
  KAFKA_TOPIC_NAMESPACE: z
    .string()
    .regex(/^([a-z0-9][a-z0-9_-]*\.)?$/, 'must be empty or end with a dot, e.g. "staging."')
    .default(''),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
  /** Folder holding this department's signing key (generated on first start in development). */
  KEYS_DIR: z.string().min(1),
  TRUST_BUNDLE_FILE: z.string().min(1),
  TRUST_ROOT_PUBLIC_KEY_FILE: z.string().min(1),
  LOG_LEVEL: variables.logLevel,
  /** Requests a minute one client address may make to the public routes (head, receipts, lookups). */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export type DepartmentConfig = z.infer<typeof departmentConfigSchema>;

export function loadDepartmentConfig(env?: Record<string, string | undefined>): DepartmentConfig {
  return loadConfig(departmentConfigSchema, env);
}
