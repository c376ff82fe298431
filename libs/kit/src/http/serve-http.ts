import type { Server } from 'node:http';

import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoNestLogger, type Logger } from '@registry-bus/logging';
import type { RequestHandler } from 'express';

import { setupOpenApi } from '../openapi/openapi.js';
import { ProblemFilter } from '../problems/problem-filter.js';
import type { HttpServerConfig } from './http-config.js';
import { httpsOptionsOf } from './https-server.js';
import { JSON_BODY_LIMIT, JSON_BODY_TYPE, strictJsonBody } from './strict-json-body.js';
import { schemaValidationPipe } from './validation.js';

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

export interface ServedHttp {
  app: INestApplication;
  /** `https://127.0.0.1:<port>` (`http://` when the app serves plain HTTP) */
  url: string;
}

/**
 * One app's HTTP server, the same for a department and the portal: HTTPS
 * when it has a certificate, a forwarded address believed only from the
 * proxies named, JSON bodies read by the strict parser, every error as
 * problem+json, the OpenAPI document at /docs.
 */
export async function serveHttp(
  module: DynamicModule,
  config: HttpServerConfig,
  logger: Logger,
  options: { title: string; middleware?: RequestHandler[] },
): Promise<ServedHttp> {
  const httpsOptions = httpsOptionsOf(config);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new PinoNestLogger(logger),
    // JSON bodies are gathered as bytes and read by the strict parser (strictJsonBody), not by JSON.parse.
    bodyParser: false,
    ...(httpsOptions ? { httpsOptions } : {}),
  });
  app.set('trust proxy', config.TRUST_PROXY ?? false);
  for (const handler of options.middleware ?? []) app.use(handler);
  app.useBodyParser('raw', { type: JSON_BODY_TYPE, limit: JSON_BODY_LIMIT });
  // C2SP tlog-witness requests are text: a checkpoint with its signatures and a proof of at most 63 lines.
  app.useBodyParser('text', { type: 'text/plain', limit: '16kb' });
  app.use(strictJsonBody);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(schemaValidationPipe());
  setupOpenApi(app, options.title, '1.0.0');
  await app.listen(config.PORT, config.HOST);
  keepConnectionsLongerThanClients(app.getHttpServer() as Server);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  return { app, url: `${httpsOptions ? 'https' : 'http'}://${host}:${address.port}` };
}
