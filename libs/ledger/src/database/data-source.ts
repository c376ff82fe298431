import { DataSource, type Logger as TypeOrmLogger, type MixedList, type EntitySchema } from 'typeorm';

/** `<database>_writer`: the role with INSERT and SELECT only on the ledger (see the writer-role migration). */
export function writerRoleName(database: string): string {
  return `${database.slice(0, 56)}_writer`;
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export interface LedgerDataSourceOptions {
  url: string;
  // TypeORM's own type for entity and migration lists.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /** Where failed queries are reported (the app's structured log); TypeORM prints to the console otherwise. */
  onQueryError?: (error: unknown, query: string) => void;
}

/**
 * A TypeORM DataSource for a department database. Schema changes come only
 * from migrations (`synchronize` is off, always).
 */
export function createDataSource(options: LedgerDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    ...(options.onQueryError ? { logger: queryErrorLogger(options.onQueryError) } : {}),
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'registry-bus',
      connectionTimeoutMillis: 5000,
      // Foreign-key checks run as plans Postgres caches per connection. Cached while a department's tables are
      // still small (a new department, a recovery from the topic), the plan of ledger_entry_data's check got
      // slower with every entry until autovacuum's next ANALYZE: 100-entry commands took 54 ms instead of
      // 22 ms (`npm run bench -- ledger --batches 100 --callers 1`: 1,846 → 4,160–4,469 entries/s). Planned afresh,
      // each check costs ~10 µs more and never degrades. Our own statements are unnamed and planned each time
      // anyway; this changes only the plans Postgres keeps (foreign keys, PL/pgSQL).
      options: '-c plan_cache_mode=force_custom_plan',
    },
  });
}

/** A TypeORM logger that reports failed queries (without their parameters: they may hold register data). */
function queryErrorLogger(onQueryError: (error: unknown, query: string) => void): TypeOrmLogger {
  return {
    logQuery: () => undefined,
    logQueryError: (error, query) => onQueryError(error, query),
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
}

/** Runs pending migrations as the owner (a role that may create tables and roles), then disconnects. */
export async function runMigrations(
  ownerUrl: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>,
): Promise<string[]> {
  const dataSource = createDataSource({
    url: ownerUrl,
    migrations,
    poolSize: 1,
    applicationName: 'registry-bus-migrations',
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
