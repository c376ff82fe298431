import 'reflect-metadata';

import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@registry-bus/config';
import { PinoNestLogger, createLogger } from '@registry-bus/logging';

import { ProblemFilter } from '../problems/problem-filter.js';
import { loadDepartmentConfig } from './department-config.js';
import { DepartmentModule } from './department.module.js';
import { DepartmentRuntime, type DepartmentDefinition } from './department-runtime.js';

/**
 * Starts a department app: validated configuration (exit 78 naming every bad
 * variable), JSON logs, the runtime (migrations, ledger, relay, consumer) —
 * and only then the HTTP server, so a 2xx is never answered by a half-started
 * app. SIGINT/SIGTERM stop it in order.
 */
export async function bootstrapDepartment(
  definition: DepartmentDefinition,
  domain: Array<Type | DynamicModule> = [],
): Promise<void> {
  let config;
  try {
    config = loadDepartmentConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.department}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(definition.department, { level: config.LOG_LEVEL });
  const runtime = new DepartmentRuntime(definition, config, logger);
  try {
    await runtime.start();
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    await runtime.stop().catch(() => undefined);
    process.exit(1);
  }
  const app = await NestFactory.create(DepartmentModule.forRoot(runtime, domain), {
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalFilters(new ProblemFilter());
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, `${definition.department} listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close();
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
