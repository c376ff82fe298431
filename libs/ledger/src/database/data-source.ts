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
