import 'reflect-metadata';

import { ConfigError } from '@registry-bus/config';
import { createLogger } from '@registry-bus/logging';

import { loadPortalConfig } from './portal-config.js';
import { startPortal } from './start-portal.js';

let config;
try {
  config = loadPortalConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`portal: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
const logger = createLogger('portal', { level: config.LOG_LEVEL });
let running;
try {
  running = await startPortal(config, logger);
} catch (error) {
  logger.fatal({ err: error }, `the portal did not start: ${(error as Error).message}`);
  process.exit(1);
}
logger.info({ port: config.PORT }, 'portal listening');
const stop = async (signal: string) => {
  logger.info({ signal }, 'stopping');
  await running.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
