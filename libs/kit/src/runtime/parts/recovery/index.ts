export { Recovery, type RecoveryLedger, type RecoverySettings } from './recovery.js';
