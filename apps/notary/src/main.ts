import { ConfigError } from '@registry-bus/config';
import { bootstrapDepartment } from '@registry-bus/kit';

import { loadNotaryConfig } from './anchoring/notary-config.js';
import { notaryDepartment, notaryModules } from './notary.department.js';

let config;
try {
  config = loadNotaryConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`notary: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
await bootstrapDepartment(notaryDepartment(config), notaryModules(config));
