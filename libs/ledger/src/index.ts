export { ledgerMigrations } from './migrations/index.js';
export {
  createDataSource,
  databaseNameOf,
  runMigrations,
  writerRoleName,
  type LedgerDataSourceOptions,
} from './database/data-source.js';
