import { KitSchema1764000002000 } from './1764000002000-kit-schema.js';
import { QueryAudit1764000002001 } from './1764000002001-query-audit.js';

/** The kit's migrations; they run after the ledger's and the consumer's. */
export const kitMigrations = [KitSchema1764000002000, QueryAudit1764000002001];
