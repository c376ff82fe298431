import type { ReceiptEntry } from './receipt.js';

export const LEDGER_EXPORT_FORMAT = 'registry-bus/ledger-export/v1';

/**
 * A whole ledger as JSON lines (docs/RECEIPTS.md): first the header, then
 * every entry in order (public fields disclosed, the rest as commitments),
 * then every notary anchor of the chain with the cosignatures it gathered,
 * and last a closing line counting the anchors: an export cut off anywhere —
 * even between two anchors — lacks it, and the verifier refuses it.
 */
export type LedgerExportLine =
  | { kind: 'header'; format: typeof LEDGER_EXPORT_FORMAT; chain: string; exportedAt: string; entries: number }
  | { kind: 'entry'; entry: ReceiptEntry }
  | { kind: 'anchor'; anchor: ReceiptEntry; cosignatures: ReceiptEntry[] }
  | { kind: 'end'; anchors: number };
