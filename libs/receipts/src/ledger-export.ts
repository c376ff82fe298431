import type { ReceiptEntry } from './receipt.js';

export const LEDGER_EXPORT_FORMAT = 'registry-bus/ledger-export/v1';

/**
 * A whole ledger as JSON lines (docs/RECEIPTS.md): first the header, then
 * every entry in order (public fields disclosed, the rest as commitments),
 * then every notary anchor of the chain with the cosignatures it gathered
 * (its checkpoint's, and cosignature entries of before),
 * and last a closing line counting the anchors: an export cut off anywhere —
 * even between two anchors — lacks it, and the verifier refuses it.
 */
export type LedgerExportLine =
  | { kind: 'header'; format: typeof LEDGER_EXPORT_FORMAT; chain: string; exportedAt: string; entries: number }
  | { kind: 'entry'; entry: ReceiptEntry }
  | {
      kind: 'anchor';
      anchor: ReceiptEntry;
      /** Witnesses' cosignature entries (before #23: followers no longer write them). */
      cosignatures: ReceiptEntry[];
      /** The notary's C2SP checkpoint of this anchor with the witnesses' cosignatures on it (issue #23). */
      checkpoint?: string;
    }
  | { kind: 'end'; anchors: number };
