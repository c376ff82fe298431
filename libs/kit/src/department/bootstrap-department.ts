import 'reflect-metadata';

import type { Server } from 'node:http';

import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError } from '@registry-bus/config';
import { PinoNestLogger, createLogger, type Logger } from '@registry-bus/logging';

import { httpsOptionsOf, trustCertificateAuthority } from '../http/https-server.js';
import { JSON_BODY_LIMIT, JSON_BODY_TYPE, strictJsonBody } from '../http/strict-json-body.js';
import { schemaValidationPipe } from '../http/validation.js';
import { requestMetrics } from '../metrics/request-metrics.js';
import { setupOpenApi } from '../openapi/openapi.js';
import { ProblemFilter } from '../problems/problem-filter.js';
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
 * Node closes an idle keep-alive connection after 5 s; a client (undici, a
 * proxy) that reuses it in the same instant has its request reset
 * (ECONNRESET) — undici keeps only a second of margin, which a busy machine
 * eats. So idle connections live longer than any common client keeps them
 * (load balancers use 60 s), and the header timeout stays above it as Node
 * requires.
 */
function keepConnectionsLongerThanClients(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
  const httpsOptions = httpsOptionsOf(config);
  const runtime = new DepartmentRuntime(definition, config, logger);
  try {
    await runtime.start();
  } catch (error) {
    await runtime.stop().catch(() => undefined);
    throw error;
  }
  const app = await NestFactory.create<NestExpressApplication>(DepartmentModule.forRoot(runtime, domain), {
    logger: new PinoNestLogger(logger),
    // JSON bodies are gathered as bytes and read by the strict parser (strictJsonBody), not by JSON.parse.
    bodyParser: false,
    ...(httpsOptions ? { httpsOptions } : {}),
  });
  // A forwarded client address is believed only from the proxies named; otherwise the socket's address counts.
  app.set('trust proxy', config.TRUST_PROXY ?? false);
  app.use(requestMetrics(runtime.metrics));
  app.useBodyParser('raw', { type: JSON_BODY_TYPE, limit: JSON_BODY_LIMIT });
  app.use(strictJsonBody);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(schemaValidationPipe());
  setupOpenApi(app, definition.department, '1.0.0');
  await app.listen(config.PORT, config.HOST);
  keepConnectionsLongerThanClients(app.getHttpServer() as Server);
  const address = app.getHttpServer().address() as { port: number };
  let closed = false;
  return {
    app,
    runtime,
    url: `${httpsOptions ? 'https' : 'http'}://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${address.port}`,
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
