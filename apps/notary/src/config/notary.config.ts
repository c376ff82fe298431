import { loadConfig, variables } from '@registry-bus/config';
import { z } from 'zod';

export const notaryConfigSchema = z.object({
  PORT: variables.port(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: variables.postgresUrl,
  KAFKA_BROKERS: variables.brokerList,
  LOG_LEVEL: variables.logLevel,
});

export type NotaryConfig = z.infer<typeof notaryConfigSchema>;
export const NOTARY_CONFIG = Symbol('NOTARY_CONFIG');

export function loadNotaryConfig(env?: Record<string, string | undefined>): NotaryConfig {
  return loadConfig(notaryConfigSchema, env);
}
