import { leafHash, verifyConsistency, verifyInclusion } from '@registry-bus/merkle';
import {
  departmentOfSource,
  fromHex,
  type QuorumReport,
  type SignatureVerifier,
  type TrustBundle,
  type TrustedKey,
} from '@registry-bus/protocol';

import { message, recordSignedAndCommitted, run, signedAndCommitted, type ReceiptCheck } from './checks.js';
import {
  anchorWitnessing,
  entryKeyTime,
  isFirstCovering,
  keyProblemWhenAnchored,
  quorumOfAnchor,
  type KeyTime,
  type WitnessedAnchor,
} from './key-at-anchor.js';
import {
  RECEIPT_FORMAT,
  isAnchored,
  type Receipt,
  type ReceiptEntry,
  type ReceiptInclusion,
  type UnanchoredReceipt,
} from './receipt.js';

export type { ReceiptCheck } from './checks.js';

/**
 * `valid`: every check passed and the anchor carries the quorum of its
 * chain's witnesses; `below-quorum`: every check passed, but too few
 * independent witnesses cosigned (not yet confirmed); `invalid`: a check
 * failed; `unanchored`: the entry is what its department signed, with a key
 * the bundle holds valid now, but no anchor covers it yet (issue #24).
 */
export type Verdict = 'valid' | 'below-quorum' | 'invalid' | 'unanchored';

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
    /** The receipt's anchor: the first covering the entry (`firstAnchor`), or, in a receipt from before #24, a later one. */
    anchoredAt?: string;
    anchoredTreeSize?: number;
    /** Whether the anchor is known to be the first that covered the entry (the anchor before it was shorter). */
    firstAnchor?: boolean;
    /** The latest quorum checkpoint the receipt carries besides its first anchor. */
    latest?: { anchoredAt: string; treeSize: number };
    /** When the record's key was judged, and what fixed that time (once the key check ran). */
    keyJudgedAt?: string;
    keyJudgedBy?: string;
    witnessedBy: string[];
  };
}

export interface VerifyReceiptOptions {
  /** "Now" for an entry not yet anchored, judged by the bundle as of this instant (default: the clock). */
  now?: Date;
}

/**
 * Checks a receipt offline against a trust bundle: the entry's hash and
 * signature, its disclosed fields against their commitments, the inclusion
 * path to the root of its first anchor, the notary's anchor, each witness's
 * cosignature, the anchor's C2SP checkpoint and its cosignatures when the
 * receipt carries one, the latest quorum checkpoint (inclusion, and the
 * RFC 6962 consistency proof from the first anchor's tree) when it carries
 * one; then that the entry's key was valid when the world first saw it —
 * at the first anchor, once q witnesses had cosigned it (a stolen key
 * cannot backdate, a routine retirement does not undo older receipts) —
 * and whether the valid cosignatures come from a quorum of the chain's
 * eligible witnesses. A forged cosignature makes the receipt invalid, a
 * missing one only leaves it below quorum. An entry not yet anchored is
 * judged by the bundle as of `now` and is `unanchored`. Pure: the same code
 * runs in the CLI and a browser.
 */
export function verifyReceipt(
  receipt: Receipt | UnanchoredReceipt,
  bundle: TrustBundle,
  verify: SignatureVerifier,
  options: VerifyReceiptOptions = {},
): ReceiptVerdict {
  const checks: ReceiptCheck[] = [];
  const entry: ReceiptEntry | undefined = receipt?.entry;
  const anchored = typeof receipt === 'object' && receipt !== null && isAnchored(receipt) ? receipt : undefined;
  const anchor = anchored?.anchor;
  const anchorData = (anchor?.disclosure?.fields ?? {}) as Record<string, string>;
  const latestData = (anchored?.latest?.anchor?.disclosure?.fields ?? {}) as Record<string, string>;
  let first: WitnessedAnchor | undefined;
  let latest: WitnessedAnchor | undefined;
  let keyTime: KeyTime | undefined;
  let unanchored = false;

  const steps = () => {
    if (
      !run(checks, 'format', 'this is a receipt this verifier reads', () =>
        receipt?.format === RECEIPT_FORMAT
          ? true
          : `unknown format '${String(receipt?.format)}' (expected ${RECEIPT_FORMAT})`,
      )
    )
      return;
    const key = recordSignedAndCommitted(checks, 'entry', 'the record', entry!, bundle, verify);
    if (!key) return;
    if (!anchored) {
      unanchored = true;
      keyTime = { at: options.now ?? new Date(), by: 'now: no anchor covers the record yet' };
      keyCheck(
        checks,
        'key-now',
        'the record’s key is valid under this bundle now (not yet anchored: nothing but its signer fixed when it was made)',
        key,
        keyTime.at,
        bundle,
        'now',
        entryPosition(entry!),
      );
      return;
    }
    const seq = Number(entry!.envelope.seq);
    if (!anchorChecks(checks, '', entry!, anchored.anchor, anchored.inclusion, bundle, verify)) return;
    const firstWitnessing = anchorWitnessing(
      checks,
      { cosignature: 'cosignature', checkpoint: 'checkpoint' },
      anchored.anchor,
      anchored.cosignatures ?? [],
      anchored.checkpoint,
      bundle,
      verify,
    );
    if (!firstWitnessing) return;
    first = { anchor: anchored.anchor, witnessing: firstWitnessing };
    const { latest: later } = anchored;
    if (later !== undefined) {
      if (!anchorChecks(checks, 'latest-', entry!, later.anchor, later.inclusion, bundle, verify)) return;
      if (
        !run(
          checks,
          'latest-consistency',
          'the latest anchored tree extends the first one (RFC 6962 consistency proof)',
          () => {
            const { consistency } = later;
            const from = Number(anchorData.treeSize);
            const to = Number(latestData.treeSize);
            if (consistency.fromSize !== from || consistency.toSize !== to)
              return `the proof is from ${consistency.fromSize} to ${consistency.toSize} entries, the anchors are of ${from} and ${to}`;
            return verifyConsistency(
              from,
              to,
              fromHex(anchorData.root ?? ''),
              fromHex(latestData.root ?? ''),
              consistency.proof.map((hex) => fromHex(hex)),
            )
              ? true
              : `the tree of ${to} entries the notary anchored last does not extend the tree of ${from} it anchored first: a forked history`;
          },
        )
      )
        return;
      const latestWitnessing = anchorWitnessing(
        checks,
        { cosignature: 'latest-cosignature', checkpoint: 'latest-checkpoint' },
        later.anchor,
        later.cosignatures ?? [],
        later.checkpoint,
        bundle,
        verify,
      );
      if (!latestWitnessing) return;
      latest = { anchor: later.anchor, witnessing: latestWitnessing };
    }
    const firstCovering = isFirstCovering(anchored.anchor, seq);
    keyTime = entryKeyTime(entry!.envelope.chain, first, latest, bundle);
    keyCheck(
      checks,
      'keys-at-anchor',
      'the record’s key was valid when the world first saw it: at its first anchor, once a quorum of witnesses had cosigned it (no backdating)',
      key,
      keyTime.at,
      bundle,
      firstCovering ? 'first' : 'later',
      entryPosition(entry!),
      () =>
        Date.parse(entry!.envelope.time) <= Date.parse(anchored.anchor.envelope.time) + 60_000
          ? true
          : 'the record claims a time after its anchor',
    );
  };
  try {
    steps();
  } catch (error) {
    checks.push({ id: 'readable', says: 'the receipt is well formed', ok: false, reason: message(error) });
  }

  const failure = checks.find((check) => !check.ok);
  const intact = failure === undefined && checks.length > 0;
  const chain = anchorData.chain!;
  const firstQuorum = intact && first ? quorumOfAnchor(bundle, chain, first) : undefined;
  const latestQuorum = intact && latest ? quorumOfAnchor(bundle, chain, latest) : undefined;
  // The latest quorum checkpoint confirms the first anchor through the consistency proof; either one with its quorum will do.
  const byLatest = latestQuorum !== undefined && (latestQuorum.met || !firstQuorum?.met);
  const quorum = byLatest ? latestQuorum : firstQuorum;
  const witnessedBy = (byLatest ? latest : first)?.witnessing.witnessedBy;
  const verdict: Verdict = !intact ? 'invalid' : unanchored ? 'unanchored' : quorum?.met ? 'valid' : 'below-quorum';
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
      ...(anchor?.envelope
        ? {
            anchoredAt: anchor.envelope.time,
            anchoredTreeSize: Number(anchorData.treeSize),
            firstAnchor: anchor.disclosure ? isFirstCovering(anchor, Number(entry?.envelope?.seq)) : false,
          }
        : {}),
      ...(anchored?.latest?.anchor?.envelope
        ? { latest: { anchoredAt: anchored.latest.anchor.envelope.time, treeSize: Number(latestData.treeSize) } }
        : {}),
      ...(keyTime && checks.some((check) => check.id === 'keys-at-anchor' || check.id === 'key-now')
        ? { keyJudgedAt: keyTime.at.toISOString(), keyJudgedBy: keyTime.by }
        : {}),
      witnessedBy: witnessedBy ?? [],
    },
  };
}

/**
 * `<prefix>anchor-signature`, `-data`, `-is-notary`, `-covers-entry` and
 * `<prefix>inclusion`: a notary's anchor of the record's chain, at the
 * proof's tree size, and the record's path to its root.
 */
function anchorChecks(
  checks: ReceiptCheck[],
  prefix: '' | 'latest-',
  entry: ReceiptEntry,
  anchor: ReceiptEntry,
  inclusion: ReceiptInclusion,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): boolean {
  const anchorData = anchor.disclosure.fields as Record<string, string>;
  const seq = Number(entry.envelope.seq);
  const latest = prefix === 'latest-';
  const label = latest ? 'the latest anchor' : 'the anchor';
  return (
    signedAndCommitted(
      checks,
      `${prefix}anchor`,
      latest ? 'the notary’s latest anchor' : 'the notary’s anchor',
      anchor,
      bundle,
      verify,
    ) &&
    run(checks, `${prefix}anchor-is-notary`, `${label} is the notary’s`, () =>
      departmentOfSource(anchor.envelope.source) === 'notary' && anchor.envelope.type === 'gov.notary.anchor.signed.v1'
        ? true
        : `the anchor is a ${anchor.envelope.type} of ${anchor.envelope.source}`,
    ) &&
    run(checks, `${prefix}anchor-covers-entry`, `${label} covers this record’s chain and position`, () => {
      if (anchorData.chain !== entry.envelope.chain)
        return `the anchor is of chain '${anchorData.chain}', the record of '${entry.envelope.chain}'`;
      if (Number(anchorData.treeSize) !== inclusion.treeSize)
        return `the proof is for ${inclusion.treeSize} entries, the anchor for ${anchorData.treeSize}`;
      if (inclusion.leafIndex !== seq - 1)
        return `the proof is for position ${inclusion.leafIndex + 1}, the record is seq ${seq}`;
      return seq <= Number(anchorData.treeSize)
        ? true
        : `seq ${seq} is beyond the anchored ${anchorData.treeSize} entries`;
    }) &&
    run(
      checks,
      `${prefix}inclusion`,
      `the record is in the ledger whose root the notary anchored${latest ? ' last' : ''}`,
      () =>
        verifyInclusion(
          leafHash(fromHex(entry.envelope.hash)),
          inclusion.leafIndex,
          inclusion.treeSize,
          inclusion.path.map((hex) => fromHex(hex)),
          fromHex(anchorData.root ?? ''),
        )
          ? true
          : 'the inclusion path does not lead to the anchored root',
    )
  );
}

/** Where an entry sits and its hash: what a compromise revocation names it by. */
const entryPosition = (entry: ReceiptEntry) => ({
  chain: entry.envelope.chain,
  seq: Number(entry.envelope.seq),
  hash: entry.envelope.hash,
});

/** The key check: `key` vouches for a record seen at `at` (validWhenAnchored), and `more` holds. */
function keyCheck(
  checks: ReceiptCheck[],
  id: string,
  says: string,
  key: TrustedKey,
  at: Date,
  bundle: TrustBundle,
  seen: 'first' | 'later' | 'now',
  entry: { chain: string; seq: number; hash: string },
  more: () => true | string = () => true,
): boolean {
  return run(checks, id, says, () => {
    const problem = keyProblemWhenAnchored(key, at, bundle, seen, entry);
    if (problem) return problem.message;
    return more();
  });
}
