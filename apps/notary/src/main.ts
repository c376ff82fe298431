import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@registry-bus/config';
import { PinoNestLogger, createLogger } from '@registry-bus/logging';

import { loadNotaryConfig } from './config/notary.config.js';
import { NotaryModule } from './notary.module.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadNotaryConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`notary: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger('notary', { level: config.LOG_LEVEL });
  const app = await NestFactory.create(NotaryModule.forRoot(config), { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, 'notary listening');
}

void bootstrap();
