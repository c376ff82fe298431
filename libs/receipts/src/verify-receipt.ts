import { leafHash, verifyInclusion } from '@registry-bus/merkle';
import {
  departmentOfSource,
  fromHex,
  quorumOf,
  type QuorumReport,
  type SignatureVerifier,
  type TrustBundle,
} from '@registry-bus/protocol';

import { checkCosignature, keyValidAt, message, run, signedAndCommitted, type ReceiptCheck } from './checks.js';
import { checkpointWitnesses } from './checkpoint-cosigners.js';
import { RECEIPT_FORMAT, type Receipt } from './receipt.js';

export type { ReceiptCheck } from './checks.js';

/**
 * `valid`: every check passed and the anchor carries the quorum of its
 * chain's witnesses; `below-quorum`: every check passed, but too few
 * independent witnesses cosigned (not yet confirmed); `invalid`: a check failed.
 */
export type Verdict = 'valid' | 'below-quorum' | 'invalid';

export interface ReceiptVerdict {
  /** verdict === 'valid'. */
  ok: boolean;
  verdict: Verdict;
  /** Whose valid cosignatures count toward the anchor's chain, and whether they are enough (when every check passed). */
  quorum?: QuorumReport;
  checks: ReceiptCheck[];
  /** The first failed check, if any. */
  failure?: ReceiptCheck;
  summary: {
    type: string;
    department: string;
    chain: string;
    seq: number;
    subject: string;
    recordedAt: string;
    actor: string;
    disclosed: Record<string, unknown>;
    withheld: string[];
    anchoredAt?: string;
    anchoredTreeSize?: number;
    witnessedBy: string[];
  };
}

/**
 * Checks a receipt offline against a trust bundle: the entry's hash and
 * signature, its disclosed fields against their commitments, the inclusion
 * path to the anchored root, the notary's anchor, each witness's
 * cosignature, the anchor's C2SP checkpoint and its cosignatures when the
 * receipt carries one, and that every key was valid at the anchor's time (a
 * stolen key cannot backdate); then whether the valid cosignatures come from a
 * quorum of the chain's eligible witnesses (the bundle's witnessing rules).
 * A forged cosignature makes the receipt invalid, a missing one only leaves
 * it below quorum. Pure: the same code runs in the CLI and a browser.
 */
export function verifyReceipt(receipt: Receipt, bundle: TrustBundle, verify: SignatureVerifier): ReceiptVerdict {
  const checks: ReceiptCheck[] = [];
  const { entry, anchor } = receipt;
  const anchorData = (anchor?.disclosure?.fields ?? {}) as Record<string, string>;
  const witnessedBy: string[] = [];

  const steps = () => {
    if (
      !run(checks, 'format', 'this is a receipt this verifier reads', () =>
        receipt.format === RECEIPT_FORMAT
          ? true
          : `unknown format '${String(receipt.format)}' (expected ${RECEIPT_FORMAT})`,
      )
    )
      return;
    if (!signedAndCommitted(checks, 'entry', 'the record', entry, bundle, verify)) return;
    if (!signedAndCommitted(checks, 'anchor', 'the notary’s anchor', anchor, bundle, verify)) return;
    if (
      !run(checks, 'anchor-is-notary', 'the anchor is the notary’s', () =>
        departmentOfSource(anchor.envelope.source) === 'notary' &&
        anchor.envelope.type === 'gov.notary.anchor.signed.v1'
          ? true
          : `the anchor is a ${anchor.envelope.type} of ${anchor.envelope.source}`,
      )
    )
      return;
    const seq = Number(entry.envelope.seq);
    if (
      !run(checks, 'anchor-covers-entry', 'the anchor covers this record’s chain and position', () => {
        if (anchorData.chain !== entry.envelope.chain)
          return `the anchor is of chain '${anchorData.chain}', the record of '${entry.envelope.chain}'`;
        if (Number(anchorData.treeSize) !== receipt.inclusion.treeSize)
          return `the proof is for ${receipt.inclusion.treeSize} entries, the anchor for ${anchorData.treeSize}`;
        if (receipt.inclusion.leafIndex !== seq - 1)
          return `the proof is for position ${receipt.inclusion.leafIndex + 1}, the record is seq ${seq}`;
        return seq <= Number(anchorData.treeSize)
          ? true
          : `seq ${seq} is beyond the anchored ${anchorData.treeSize} entries`;
      })
    )
      return;
    if (
      !run(checks, 'inclusion', 'the record is in the ledger whose root the notary anchored', () =>
        verifyInclusion(
          leafHash(fromHex(entry.envelope.hash)),
          receipt.inclusion.leafIndex,
          receipt.inclusion.treeSize,
          receipt.inclusion.path.map((hex) => fromHex(hex)),
          fromHex(anchorData.root ?? ''),
        )
          ? true
          : 'the inclusion path does not lead to the anchored root',
      )
    )
      return;
    if (!keyValidAt(checks, entry, anchor, bundle)) return;
    for (const [i, cosignature] of receipt.cosignatures.entries()) {
      const witness = checkCosignature(checks, `cosignature-${i}`, cosignature, anchor, bundle, verify);
      if (witness === undefined) return;
      if (!witnessedBy.includes(witness)) witnessedBy.push(witness);
    }
    const { checkpoint } = receipt;
    if (checkpoint === undefined) return;
    let cosigners: string[] = [];
    if (
      !run(checks, 'checkpoint', 'the notary’s checkpoint of this anchor and the witnesses’ cosignatures on it', () => {
        cosigners = checkpointWitnesses(checkpoint, anchor, bundle).cosigners;
        return true;
      })
    )
      return;
    for (const witness of cosigners) if (!witnessedBy.includes(witness)) witnessedBy.push(witness);
  };
  try {
    steps();
  } catch (error) {
    checks.push({ id: 'readable', says: 'the receipt is well formed', ok: false, reason: message(error) });
  }

  const failure = checks.find((check) => !check.ok);
  const intact = failure === undefined && checks.length > 0;
  const quorum = intact ? quorumOf(bundle, anchorData.chain!, witnessedBy) : undefined;
  const verdict: Verdict = !intact ? 'invalid' : quorum!.met ? 'valid' : 'below-quorum';
  return {
    ok: verdict === 'valid',
    verdict,
    ...(quorum ? { quorum } : {}),
    checks,
    ...(failure ? { failure } : {}),
    summary: {
      type: entry?.envelope?.type ?? '?',
      department: departmentOfSource(entry?.envelope?.source ?? '') ?? '?',
      chain: entry?.envelope?.chain ?? '?',
      seq: Number(entry?.envelope?.seq),
      subject: entry?.envelope?.subject ?? '?',
      recordedAt: entry?.envelope?.time ?? '?',
      actor: entry?.envelope?.actor ?? '?',
      disclosed: entry?.disclosure?.fields ?? {},
      withheld: Object.keys(entry?.disclosure?.withheld ?? {}),
      ...(anchor?.envelope ? { anchoredAt: anchor.envelope.time, anchoredTreeSize: Number(anchorData.treeSize) } : {}),
      witnessedBy,
    },
  };
}
