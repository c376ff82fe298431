import { RootAccumulator, leafHash, rootFromLeafHashes } from '@registry-bus/merkle';
import {
  GENESIS_PREVHASH_HEX,
  departmentOfSource,
  fromHex,
  quorumOf,
  toHex,
  type QuorumReport,
  type SignatureVerifier,
  type TrustBundle,
} from '@registry-bus/protocol';

import { message, recordSignedAndCommitted, run, signedAndCommitted, type ReceiptCheck } from './checks.js';
import { exportFreshness, type ExportFreshness, type OutsideCheckpointInput } from './export-freshness.js';
import {
  anchorWitnessing,
  entryKeyTime,
  keyProblemWhenAnchored,
  quorumOfAnchor,
  type KeyTime,
  type WitnessedAnchor,
} from './key-at-anchor.js';
import { LEDGER_EXPORT_FORMAT, type LedgerExportLine } from './ledger-export.js';
import type { Verdict } from './verify-receipt.js';

export interface LedgerExportVerdict {
  /** verdict === 'valid'. */
  ok: boolean;
  /** `below-quorum` when every check passed but the latest anchor witnesses are asked to cosign lacks its quorum. */
  verdict: Exclude<Verdict, 'unanchored'>;
  chain: string;
  entries: number;
  anchors: number;
  /** Anchors with at least one valid cosignature, by whom, and whether they make the chain's quorum. */
  witnessed: Array<{ treeSize: number; witnessedBy: string[]; quorum: QuorumReport }>;
  /**
   * The quorum of the latest anchor that adds more than cosignatures (witnesses
   * do not cosign an anchor of nothing but cosignatures): what the verdict
   * rests on. Absent when there is no such anchor.
   */
  quorum?: QuorumReport & { treeSize: number };
  /** Entries after the last anchor: consistent, but not yet held to an anchor. */
  unanchoredTail: number;
  /**
   * Against the outside checkpoint (`unchecked` without one), once the
   * export's own checks passed; `contradicted` comes with the verdict `invalid`.
   */
  freshness?: ExportFreshness;
  /** The first failed check, with the entry or anchor it concerns. */
  failure?: ReceiptCheck & { at: string };
}

/**
 * Checks a whole exported ledger offline: every entry's hash, signature,
 * disclosed fields, position and link to the one before; the Merkle root at
 * each anchor's size against the root the notary signed; each anchor and
 * each cosignature; and that every entry's key was still valid when the
 * first anchor covering it was signed. Stops at the first failure and names
 * it. With `outside`, the latest checkpoint taken from the notary rather than
 * from the export, it also says whether the export is up to date with it
 * (`freshness`), and is invalid when its entries contradict it: an export
 * holds only the anchors its department chose to put in (issue #23). Pure,
 * like verifyReceipt.
 */
export function verifyLedgerExport(
  lines: readonly LedgerExportLine[],
  bundle: TrustBundle,
  verify: SignatureVerifier,
  outside?: OutsideCheckpointInput,
  options: { now?: Date } = {},
): LedgerExportVerdict {
  const checks: ReceiptCheck[] = [];
  const header = lines[0];
  // A download cut off at a line boundary still parses: the closing line is what says it is whole.
  const end = lines.at(-1);
  const entries = lines.flatMap((line) => (line.kind === 'entry' ? [line.entry] : []));
  const anchors = lines
    .flatMap((line) => (line.kind === 'anchor' ? [line] : []))
    .map((line) => ({ ...line, treeSize: Number((line.anchor.disclosure.fields as { treeSize: string }).treeSize) }))
    .sort((a, b) => a.treeSize - b.treeSize || Number(a.anchor.envelope?.seq) - Number(b.anchor.envelope?.seq));
  const witnessedAnchors: WitnessedAnchor[] = [];
  const quorumMet: boolean[] = [];
  const chain = header?.kind === 'header' ? header.chain : '?';
  const verdict: LedgerExportVerdict = {
    ok: false,
    verdict: 'invalid',
    chain,
    entries: entries.length,
    anchors: anchors.length,
    witnessed: [],
    unanchoredTail: entries.length,
  };
  const fail = (at: string) => {
    const failure = checks.find((check) => !check.ok)!;
    return { ...verdict, failure: { ...failure, at } };
  };

  try {
    if (
      !run(checks, 'format', 'this is a ledger export this verifier reads', () =>
        header?.kind !== 'header' || header.format !== LEDGER_EXPORT_FORMAT
          ? `the first line is not a ${LEDGER_EXPORT_FORMAT} header`
          : header.entries !== entries.length
            ? `the header announces ${header.entries} entries, the file has ${entries.length}`
            : end?.kind !== 'end'
              ? 'the last line is not the closing line: the export was cut off'
              : end.anchors !== anchors.length
                ? `the closing line counts ${end.anchors} anchors, the file has ${anchors.length}`
                : true,
      )
    )
      return fail('header');

    // Anchors first: each entry's key must have been valid when its first covering anchor was signed.
    for (const [i, { anchor, cosignatures, checkpoint, treeSize }] of anchors.entries()) {
      const at = `anchor of ${treeSize} entries (notary seq ${anchor.envelope?.seq})`;
      if (!signedAndCommitted(checks, 'anchor', 'the notary’s anchor', anchor, bundle, verify)) return fail(at);
      if (
        !run(checks, 'anchor-is-notary', 'the anchor is the notary’s, of this chain', () =>
          departmentOfSource(anchor.envelope.source) === 'notary' &&
          anchor.envelope.type === 'gov.notary.anchor.signed.v1' &&
          (anchor.disclosure.fields as { chain: string }).chain === chain
            ? true
            : `a ${anchor.envelope.type} of ${anchor.envelope.source} about '${String((anchor.disclosure.fields as { chain?: string }).chain)}'`,
        )
      )
        return fail(at);
      const witnessing = anchorWitnessing(
        checks,
        { cosignature: 'cosignature', checkpoint: `checkpoint-${i}` },
        anchor,
        cosignatures,
        checkpoint,
        bundle,
        verify,
      );
      if (!witnessing) return fail(at);
      witnessedAnchors.push({ anchor, witnessing });
      quorumMet.push(quorumOfAnchor(bundle, chain, witnessedAnchors[i]!).met);
      const { witnessedBy } = witnessing;
      if (witnessedBy.length > 0)
        verdict.witnessed.push({ treeSize, witnessedBy, quorum: quorumOf(bundle, chain, witnessedBy) });
      if (i > 0 && anchors[i - 1]!.treeSize === treeSize) {
        const same = anchors[i - 1]!.anchor.disclosure.fields as { root: string };
        if (
          !run(checks, 'anchors-agree', 'two anchors of the same size agree', () =>
            same.root === (anchor.disclosure.fields as { root: string }).root
              ? true
              : 'two different roots were anchored for the same size',
          )
        )
          return fail(at);
      }
    }

    const tree = new RootAccumulator();
    let previous = GENESIS_PREVHASH_HEX;
    let nextAnchor = 0;
    // The first anchor covering entry seq, and the first covering it with its quorum: both only move forward with seq.
    let firstCovering = 0;
    let firstQuorum = 0;
    const keyTimes = new Map<string, KeyTime>();
    const now = options.now ?? new Date();
    for (const [i, entry] of entries.entries()) {
      const seq = i + 1;
      const at = `entry ${seq}`;
      const key = recordSignedAndCommitted(checks, 'entry', `entry ${seq}`, entry, bundle, verify);
      if (!key) return fail(at);
      if (
        !run(checks, 'entry-position', 'the entries follow each other without gap or rewrite', () => {
          if (entry.envelope.chain !== chain)
            return `entry of chain '${entry.envelope.chain}' in an export of '${chain}'`;
          if (Number(entry.envelope.seq) !== seq) return `expected seq ${seq}, found ${entry.envelope.seq}`;
          return entry.envelope.prevhash === previous
            ? true
            : `prevhash ${entry.envelope.prevhash} is not the hash of entry ${seq - 1} (${previous})`;
        })
      )
        return fail(at);
      const position = { chain, seq, hash: entry.envelope.hash };
      while (firstCovering < anchors.length && anchors[firstCovering]!.treeSize < seq) firstCovering++;
      while (firstQuorum < anchors.length && (anchors[firstQuorum]!.treeSize < seq || !quorumMet[firstQuorum]))
        firstQuorum++;
      if (firstCovering < anchors.length) {
        const timeKey = `${firstCovering}/${firstQuorum}`;
        let keyTime = keyTimes.get(timeKey);
        if (!keyTime) {
          keyTime = entryKeyTime(chain, witnessedAnchors[firstCovering]!, witnessedAnchors[firstQuorum], bundle);
          keyTimes.set(timeKey, keyTime);
        }
        const anchoredAt = Date.parse(anchors[firstCovering]!.anchor.envelope.time);
        const fixed = keyTime.at;
        if (
          !run(
            checks,
            'keys-at-anchor',
            `the key of entry ${seq} was valid when the world first saw it: at its first anchor, once a quorum of witnesses had cosigned it (no backdating)`,
            () =>
              keyProblemWhenAnchored(key, fixed, bundle, 'first', position)?.message ??
              (Date.parse(entry.envelope.time) <= anchoredAt + 60_000
                ? true
                : 'the entry claims a time after its anchor'),
          )
        )
          return fail(at);
      } else if (
        !run(
          checks,
          'key-now',
          `the key of entry ${seq}, not yet anchored, is valid under this bundle now`,
          () => keyProblemWhenAnchored(key, now, bundle, 'now', position)?.message ?? true,
        )
      )
        return fail(at);
      previous = entry.envelope.hash;
      tree.push(leafHash(fromHex(entry.envelope.hash)));
      while (nextAnchor < anchors.length && anchors[nextAnchor]!.treeSize === seq) {
        const anchored = anchors[nextAnchor]!;
        const root = (anchored.anchor.disclosure.fields as { root: string }).root;
        if (
          !run(checks, 'anchored-root', 'the ledger has the root the notary anchored at that size', () =>
            toHex(tree.root()) === root
              ? true
              : `the first ${seq} entries have root ${toHex(tree.root())}, the notary anchored ${root}: history was rewritten`,
          )
        )
          return fail(`anchor of ${seq} entries`);
        nextAnchor++;
      }
    }
    if (
      !run(checks, 'anchors-within-ledger', 'every anchor is within the exported entries', () =>
        nextAnchor === anchors.length
          ? true
          : `the notary anchored ${anchors.at(-1)!.treeSize} entries, the export has ${entries.length}: its tail is missing`,
      )
    )
      return fail('end of ledger');
  } catch (error) {
    checks.push({ id: 'readable', says: 'the export is well formed', ok: false, reason: message(error) });
    return fail('export');
  }
  const deciding = decidingAnchor(anchors, entries);
  const quorum = deciding
    ? {
        treeSize: deciding.treeSize,
        ...quorumOf(
          bundle,
          chain,
          verdict.witnessed.find((anchor) => anchor.treeSize === deciding.treeSize)?.witnessedBy ?? [],
        ),
      }
    : undefined;
  const freshness = exportFreshness(outside, chain, bundle, entries.length, (size) =>
    toHex(rootFromLeafHashes(entries.slice(0, size).map((entry) => leafHash(fromHex(entry.envelope.hash))))),
  );
  if (freshness.status === 'contradicted') {
    checks.push({
      id: 'outside-checkpoint',
      says: 'the export agrees with the latest checkpoint a quorum of witnesses cosigned',
      ok: false,
      reason: freshness.text,
    });
    return { ...fail(`checkpoint of ${freshness.checkpoint.size} entries`), freshness };
  }
  const met = quorum?.met ?? false;
  return {
    ...verdict,
    freshness,
    ok: met,
    verdict: met ? 'valid' : 'below-quorum',
    ...(quorum ? { quorum } : {}),
    unanchoredTail: entries.length - (anchors.at(-1)?.treeSize ?? 0),
  };
}

/** How many cosignatures an anchor line carries (a checkpoint's `— ` lines after the notary's own). */
const witnessCount = (anchor: { cosignatures: unknown[]; checkpoint?: string }) =>
  anchor.cosignatures.length + Math.max(0, (anchor.checkpoint?.match(/^\u2014 /gmu)?.length ?? 0) - 1);

const COSIGNATURE_TYPE = /^gov\.[a-z][a-z0-9-]*\.witness\.cosigned\.v1$/;

/**
 * The latest anchor that covers an entry other than a cosignature beyond the
 * anchor before it: the witnesses check but do not cosign an anchor of
 * nothing but cosignatures, so the latest anchor is not always one they were
 * asked to sign. (Two anchors of one size: the one with the most witnesses.)
 */
function decidingAnchor(
  anchors: ReadonlyArray<{ treeSize: number; cosignatures: unknown[]; checkpoint?: string }>,
  entries: ReadonlyArray<{ envelope: { type: string } }>,
) {
  for (let i = anchors.length - 1; i >= 0; i--) {
    const { treeSize } = anchors[i]!;
    const before = anchors.slice(0, i).findLast((anchor) => anchor.treeSize < treeSize)?.treeSize ?? 0;
    if (entries.slice(before, treeSize).some((entry) => !COSIGNATURE_TYPE.test(entry.envelope.type)))
      return anchors
        .filter((anchor) => anchor.treeSize === treeSize)
        .sort((a, b) => witnessCount(b) - witnessCount(a))[0]!;
  }
  return undefined;
}
