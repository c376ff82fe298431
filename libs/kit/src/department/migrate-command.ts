import { ConfigError, loadConfig, variables } from '@registry-bus/config';
import { z } from 'zod';

import { migrateDepartment, type Migrations } from '../runtime/parts/database/index.js';

/**
 * `<app> --migrate` and `npm run migrate -- <app>` (issue #25): the app's
 * migrations as the owner (DATABASE_MIGRATIONS_URL), its login (DATABASE_URL,
 * optional) made a writer, a line saying what was done, then the exit code —
 * 0, 78 for a bad or missing variable (named), 1 when the database refused.
 * So the owner's credentials live in a one-off job, never in the running app.
 */
export async function migrateCommand(app: string, migrations: Migrations | undefined): Promise<number> {
  let urls;
  try {
    urls = loadConfig(
      z.object({ DATABASE_MIGRATIONS_URL: variables.postgresUrl, DATABASE_URL: variables.postgresUrl.optional() }),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`migrate: ${error.message}\n`);
    return 78; // EX_CONFIG
  }
  const database = new URL(urls.DATABASE_MIGRATIONS_URL).pathname.slice(1);
  try {
    const applied = await migrateDepartment(urls.DATABASE_MIGRATIONS_URL, urls.DATABASE_URL, migrations);
    const login = urls.DATABASE_URL ? decodeURIComponent(new URL(urls.DATABASE_URL).username) : undefined;
    process.stdout.write(
      `${app}: ${applied.length === 0 ? `the schema of ${database} was up to date` : `applied ${applied.join(', ')} to ${database}`}` +
        `${login ? `; ${login} writes as its writer role` : ''}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`migrate: ${app} on ${database} failed: ${(error as Error).message}\n`);
    return 1;
  }
}
