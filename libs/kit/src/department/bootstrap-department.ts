import 'reflect-metadata';

import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ConfigError } from '@registry-bus/config';
import { createLogger, type Logger } from '@registry-bus/logging';

import { trustCertificateAuthority } from '../http/https-server.js';
import { serveHttp } from '../http/serve-http.js';
import { requestMetrics } from '../metrics/request-metrics.js';
import { loadDepartmentConfig, type DepartmentConfig } from './department-config.js';
import { migrateCommand } from './migrate-command.js';
import { DepartmentModule } from './department.module.js';
import type { DepartmentDefinition } from '../runtime/department-definition.js';
import { DepartmentRuntime } from '../runtime/department-runtime.js';
import { startUpFailure } from '../runtime/lifecycle.js';

export interface RunningDepartment {
  app: INestApplication;
  runtime: DepartmentRuntime;
  /** `https://127.0.0.1:<port>` (`http://` when the app serves plain HTTP) */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts one department: the runtime first (migrations, ledger,
 * relay, consumer), and only then the HTTP server, so a 2xx is never
 * answered by a half-started app. Tests start apps with this too.
 */
export async function startDepartment(
  definition: DepartmentDefinition,
  domain: Array<Type | DynamicModule>,
  config: DepartmentConfig,
  logger: Logger,
): Promise<RunningDepartment> {
  // Before the runtime: recovery from mirrors already calls other apps over HTTPS.
  if (config.TLS_CA_FILE) trustCertificateAuthority(config.TLS_CA_FILE);
  const runtime = new DepartmentRuntime(definition, config, logger);
  try {
    await runtime.start();
  } catch (error) {
    await runtime.stop().catch(() => undefined);
    throw error;
  }
  let served;
  try {
    served = await serveHttp(DepartmentModule.forRoot(runtime, domain), config, logger, {
      title: `${definition.department} register`,
      middleware: [requestMetrics(runtime.metrics)],
    });
  } catch (error) {
    await runtime.stop().catch(() => undefined);
    throw error;
  }
  const { app, url } = served;
  let closed = false;
  return {
    app,
    runtime,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await runtime.stop();
    },
  };
}

/**
 * The `main.ts` of a department app: validated configuration (exit 78 naming
 * every bad variable), JSON logs, start, and SIGINT/SIGTERM stopping in order.
 */
export async function bootstrapDepartment(
  definition: DepartmentDefinition,
  domain: Array<Type | DynamicModule> = [],
): Promise<void> {
  // A one-off migration job (compose's migrate service): the owner's URL in this process only.
  if (process.argv.includes('--migrate'))
    process.exit(await migrateCommand(definition.department, definition.migrations));
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
  let running: RunningDepartment;
  try {
    running = await startDepartment(definition, domain, config, logger);
  } catch (error) {
    logger.fatal({ err: error }, startUpFailure(error));
    process.exit(1);
  }
  logger.info({ port: config.PORT }, `${definition.department} listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
