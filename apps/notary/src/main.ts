import { ConfigError } from '@registry-bus/config';
import { bootstrapDepartment, migrateCommand } from '@registry-bus/kit';

import { loadNotaryConfig } from './anchoring/notary-config.js';
import { NOTARY_MIGRATIONS, notaryDepartment, notaryModules } from './notary.department.js';

// The migration job needs only the database URLs, not the notary's settings.
if (process.argv.includes('--migrate')) process.exit(await migrateCommand('notary', NOTARY_MIGRATIONS));

let config;
try {
  config = loadNotaryConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`notary: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
await bootstrapDepartment(notaryDepartment(config), notaryModules(config));
