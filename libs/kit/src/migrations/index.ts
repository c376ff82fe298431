import { KitSchema1764000002000 } from './1764000002000-kit-schema.js';
import { QueryAudit1764000002001 } from './1764000002001-query-audit.js';
import { TrustBundleApplied1764000002002 } from './1764000002002-trust-bundle-applied.js';
import { WitnessCheckpoints1764000002003 } from './1764000002003-witness-checkpoints.js';
import { OperatorAudit1764000002004 } from './1764000002004-operator-audit.js';
import { StateAtLedgerPosition1764000002005 } from './1764000002005-state-at-ledger-position.js';
import { OperatorTokenAtLedgerPosition1764000002006 } from './1764000002006-operator-token-at-ledger-position.js';
import { TrustBundleContent1764000002008 } from './1764000002008-trust-bundle-content.js';

/** The kit's migrations; they run after the ledger's and the consumer's. */
export const kitMigrations = [
  KitSchema1764000002000,
  QueryAudit1764000002001,
  TrustBundleApplied1764000002002,
  WitnessCheckpoints1764000002003,
  OperatorAudit1764000002004,
  StateAtLedgerPosition1764000002005,
  OperatorTokenAtLedgerPosition1764000002006,
  TrustBundleContent1764000002008,
];
