import { consumerMigrations } from '@registry-bus/bus';
import {
  createDataSource,
  databaseNameOf,
  ledgerMigrations,
  runMigrations,
  writerRoleName,
} from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import pg from 'pg';
import type { DataSource, MixedList } from 'typeorm';

import { kitMigrations } from '../../../migrations/index.js';

// TypeORM's own type for migration lists.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type Migrations = MixedList<Function | string>;

/** The department's pool, as its app's login (a member of the writer role, never the owner). */
export function departmentDataSource(department: string, url: string, logger: Logger): DataSource {
  return createDataSource({
    url,
    applicationName: `registry-bus-${department}`,
    // Expected while the database is away (the caller answers 503 or retries): a warning, not a crash.
    onQueryError: (error, query) => logger.warn({ err: error, query: query.slice(0, 200) }, 'query failed'),
  });
}

/**
 * The database part: migrates as the owner (when given its URL), lets the
 * app's login write, then opens the pool; closes it last.
 */
export class DepartmentDatabase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly urls: { DATABASE_URL: string; DATABASE_MIGRATIONS_URL?: string | undefined },
    private readonly migrations: Migrations | undefined,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const ownerUrl = this.urls.DATABASE_MIGRATIONS_URL;
    if (ownerUrl) {
      const applied = await migrateDepartment(ownerUrl, this.urls.DATABASE_URL, this.migrations);
      if (applied.length > 0) this.logger.info({ applied }, 'migrations applied');
    }
    await this.dataSource.initialize();
  }

  async stop(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * A department's schema brought up to date as the owner — the ledger's, the
 * consumer's, the kit's tables and the app's own — and the app's login made a
 * writer: what an app does at start with DATABASE_MIGRATIONS_URL, and what
 * `npm run migrate -- <app>` does where the owner's credentials must stay out
 * of the running app. Returns the migrations applied now.
 */
export async function migrateDepartment(
  ownerUrl: string,
  appUrl: string | undefined,
  migrations: Migrations | undefined,
): Promise<string[]> {
  const applied = await runMigrations(ownerUrl, [
    ...ledgerMigrations,
    ...consumerMigrations,
    ...kitMigrations,
    ...((migrations as []) ?? []),
  ]);
  if (appUrl) await grantWriterRole(ownerUrl, appUrl);
  return applied;
}

/**
 * The app works as a member of `<database>_writer` (INSERT and SELECT on the
 * ledger), never as the owner: the owner, having migrated, makes the app's
 * login a member. Nothing to do when both are the same user.
 */
export async function grantWriterRole(ownerUrl: string, appUrl: string): Promise<void> {
  const appUser = decodeURIComponent(new URL(appUrl).username);
  const owner = decodeURIComponent(new URL(ownerUrl).username);
  if (!appUser || appUser === owner) return;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const writer = writerRoleName(databaseNameOf(ownerUrl));
    await client.query(`GRANT "${writer.replace(/"/g, '""')}" TO "${appUser.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
