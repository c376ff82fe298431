import type { Disclosure, SignedEnvelope } from '@registry-bus/protocol';

export const RECEIPT_FORMAT = 'registry-bus/receipt/v1';

/** A signed entry with (part of) its data: every field either disclosed with its salt, or only as its commitment. */
export interface ReceiptEntry {
  envelope: SignedEnvelope;
  disclosure: Disclosure;
}

/** An RFC 6962 inclusion path (hex) from an entry's leaf to the root of a tree of `treeSize` entries. */
export interface ReceiptInclusion {
  treeSize: number;
  leafIndex: number;
  path: string[];
}

/**
 * The latest anchor of the chain whose checkpoint a quorum cosigned, when it
 * is not the first (issue #24): with the entry's path in its tree and the
 * RFC 6962 consistency proof from the first anchor's tree to its.
 */
export interface LatestAnchor {
  anchor: ReceiptEntry;
  cosignatures: ReceiptEntry[];
  checkpoint?: string;
  inclusion: ReceiptInclusion;
  /** PROOF(fromSize, D[toSize]) of RFC 6962 §2.1.2, hex; fromSize the first anchor's tree size, toSize the latest's. */
  consistency: { fromSize: number; toSize: number; proof: string[] };
}

/**
 * Everything needed to check one record offline (docs/RECEIPTS.md): the
 * entry, the Merkle path from it to the root the notary anchored, the
 * anchor entry, and the witnesses' cosignature entries.
 *
 * `anchor` (with `inclusion`, `cosignatures`, `checkpoint`) is the first
 * anchor that covered the entry: the time the world saw it, at which its
 * key is judged (issue #24). Receipts made before #24 carry the latest
 * anchor there instead and no `latest`: they verify as before, their key
 * judged at that later anchor (never more lenient than the first).
 */
export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  entry: ReceiptEntry;
  inclusion: ReceiptInclusion;
  anchor: ReceiptEntry;
  cosignatures: ReceiptEntry[];
  /**
   * The notary's C2SP tlog-checkpoint of the same anchor (chain, size,
   * root) as a signed note, with the witnesses' cosignatures (type 0x04)
   * gathered for it: witnesses that need no data of the chain (issue #23).
   */
  checkpoint?: string;
  /** The latest quorum checkpoint covering the entry, when later than the first anchor (issue #24). */
  latest?: LatestAnchor;
}

/**
 * What a department answers for an entry no anchor covers yet (with its
 * 202): the entry alone. The verifier judges its key by the bundle as of
 * now and says `unanchored`: nothing but its signer has fixed when it was
 * seen.
 */
export interface UnanchoredReceipt {
  format: typeof RECEIPT_FORMAT;
  entry: ReceiptEntry;
  anchor?: undefined;
}

/** Whether `receipt` carries an anchor (else: an entry not yet anchored). */
export const isAnchored = (receipt: Receipt | UnanchoredReceipt): receipt is Receipt => receipt.anchor !== undefined;
