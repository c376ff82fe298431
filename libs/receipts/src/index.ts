export {
  RECEIPT_FORMAT,
  isAnchored,
  type LatestAnchor,
  type Receipt,
  type ReceiptEntry,
  type ReceiptInclusion,
  type UnanchoredReceipt,
} from './receipt.js';
export { cosignatureHolds, type ReceiptCheck } from './checks.js';
export { verifyReceipt, type ReceiptVerdict, type Verdict, type VerifyReceiptOptions } from './verify-receipt.js';
export { LEDGER_EXPORT_FORMAT, type LedgerExportLine } from './ledger-export.js';
export { verifyLedgerExport, type LedgerExportVerdict } from './verify-ledger-export.js';
export { checkpointWitnesses, type CheckpointWitnesses } from './checkpoint-cosigners.js';
export { checkpointCoverage, type Coverage, type CoverageInput } from './checkpoint-coverage.js';
export { verifyOutsideCheckpoint, type OutsideCheckpoint } from './outside-checkpoint.js';
export { exportFreshness, formatAge, type ExportFreshness, type OutsideCheckpointInput } from './export-freshness.js';
