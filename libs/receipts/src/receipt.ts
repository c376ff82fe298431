import type { Disclosure, SignedEnvelope } from '@registry-bus/protocol';

export const RECEIPT_FORMAT = 'registry-bus/receipt/v1';

/** A signed entry with (part of) its data: every field either disclosed with its salt, or only as its commitment. */
export interface ReceiptEntry {
  envelope: SignedEnvelope;
  disclosure: Disclosure;
}

/**
 * Everything needed to check one record offline (docs/RECEIPTS.md): the
 * entry, the Merkle path from it to the root the notary anchored, the
 * anchor entry, and the witnesses' cosignature entries.
 */
export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  entry: ReceiptEntry;
  inclusion: { treeSize: number; leafIndex: number; path: string[] };
  anchor: ReceiptEntry;
  cosignatures: ReceiptEntry[];
  /**
   * The notary's C2SP tlog-checkpoint of the same anchor (chain, size,
   * root) as a signed note, with the witnesses' cosignatures (type 0x04)
   * gathered for it: witnesses that need no data of the chain (issue #23).
   */
  checkpoint?: string;
}
