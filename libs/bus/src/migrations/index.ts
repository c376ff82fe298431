import { ConsumerSchema1764000001000 } from './1764000001000-consumer-schema.js';
import { AccessAudit1764000001001 } from './1764000001001-access-audit.js';
import { ReceivedEntryFieldsView1764000001002 } from './1764000001002-received-entry-fields-view.js';

/** The consumer's migrations; they run after the ledger's (they reuse its guard function). */
export const consumerMigrations = [
  ConsumerSchema1764000001000,
  AccessAudit1764000001001,
  ReceivedEntryFieldsView1764000001002,
];
