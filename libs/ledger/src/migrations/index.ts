import { LedgerSchema1764000000000 } from './1764000000000-ledger-schema.js';
import { AppendOnlyGuards1764000000001 } from './1764000000001-append-only-guards.js';
import { WriterRole1764000000002 } from './1764000000002-writer-role.js';
import { IdempotencyByLastSeq1764000000003 } from './1764000000003-idempotency-by-last-seq.js';
import { EntryFieldsView1764000000004 } from './1764000000004-entry-fields-view.js';
import { WrittenInTransaction1764000000005 } from './1764000000005-written-in-transaction.js';
import { SubjectKeys1764000000006 } from './1764000000006-subject-keys.js';

/** The ledger's migrations, in order. Apps append their own after these. */
export const ledgerMigrations = [
  LedgerSchema1764000000000,
  AppendOnlyGuards1764000000001,
  WriterRole1764000000002,
  IdempotencyByLastSeq1764000000003,
  EntryFieldsView1764000000004,
  WrittenInTransaction1764000000005,
  SubjectKeys1764000000006,
];
