import {
  DEFAULT_ANCHOR_GRACE_SECONDS,
  ProtocolError,
  ProtocolErrorCode,
  checkpointTime,
  departmentOfChain,
  quorumOf,
  compromiseRuling,
  validWhenAnchored,
  type QuorumReport,
  type SignatureVerifier,
  type TrustBundle,
  type TrustedKey,
} from '@registry-bus/protocol';

import { checkCosignature, run, type ReceiptCheck } from './checks.js';
import { checkpointWitnesses } from './checkpoint-cosigners.js';
import type { ReceiptEntry } from './receipt.js';

/**
 * When an entry's key is judged in a receipt or an export (issue #24,
 * docs/PROTOCOL.md "Key time"): not at the time the entry claims, which its
 * signer chose, but at the time others fixed — the first anchor covering
 * it, once a quorum of witnesses had cosigned it.
 */

/** The witnesses of one anchor whose cosignatures held, each with the earliest time it cosigned (POSIX seconds). */
export interface AnchorWitnessing {
  witnessedBy: string[];
  timestamps: Record<string, number>;
}

/** An anchor with what its witnesses established. */
export interface WitnessedAnchor {
  anchor: ReceiptEntry;
  witnessing: AnchorWitnessing;
}

/**
 * Checks the cosignature entries of `anchor` (`<cosignature>-<i>-…`) and its
 * checkpoint (`checkpoint` id) when there is one, and returns who witnessed
 * it and when: an entry's time, a cosignature/v1 line's timestamp (the
 * earlier, for a witness with both). Undefined when a check failed
 * (recorded in `checks`).
 */
export function anchorWitnessing(
  checks: ReceiptCheck[],
  ids: { cosignature: string; checkpoint: string },
  anchor: ReceiptEntry,
  cosignatures: readonly ReceiptEntry[],
  checkpoint: string | undefined,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): AnchorWitnessing | undefined {
  const found: AnchorWitnessing = { witnessedBy: [], timestamps: {} };
  const add = (witness: string, seconds: number) => {
    if (!found.witnessedBy.includes(witness)) found.witnessedBy.push(witness);
    found.timestamps[witness] = Math.min(found.timestamps[witness] ?? Infinity, seconds);
  };
  for (const [i, cosignature] of cosignatures.entries()) {
    const witness = checkCosignature(checks, `${ids.cosignature}-${i}`, cosignature, anchor, bundle, verify);
    if (witness === undefined) return undefined;
    add(witness, Math.floor(Date.parse(cosignature.envelope.time) / 1000));
  }
  if (checkpoint === undefined) return found;
  let cosigned: ReturnType<typeof checkpointWitnesses> | undefined;
  if (
    !run(checks, ids.checkpoint, 'the notary’s checkpoint of this anchor and the witnesses’ cosignatures on it', () => {
      cosigned = checkpointWitnesses(checkpoint, anchor, bundle);
      return true;
    })
  )
    return undefined;
  for (const witness of cosigned!.cosigners) add(witness, cosigned!.timestamps[witness]!);
  return found;
}

/** The quorum of `chain` an anchor's witnesses make. */
export const quorumOfAnchor = (bundle: TrustBundle, chain: string, witnessed: WitnessedAnchor): QuorumReport =>
  quorumOf(bundle, chain, witnessed.witnessing.witnessedBy);

export interface KeyTime {
  at: Date;
  /** What fixed it, in words. */
  by: string;
}

/**
 * The time at which the key of an entry of `chain` is judged: the later of
 * the first anchor's time and the q-th earliest timestamp of the counted
 * witnesses of the first quorum checkpoint covering it (`checkpointTime`) —
 * `first` itself when its witnesses make the quorum, else `laterQuorum`, a
 * later anchor covering the entry that has its quorum (its time is later,
 * so judging there never accepts what the first would refuse). For the
 * notary's own ledger the anchor's time is the notary's own claim: the
 * witnesses' timestamps alone count. Without a quorum anywhere, the first
 * anchor's time (the notary's alone; the verdict is below quorum then).
 */
export function entryKeyTime(
  chain: string,
  first: WitnessedAnchor,
  laterQuorum: WitnessedAnchor | undefined,
  bundle: TrustBundle,
): KeyTime {
  const notaryLedger = departmentOfChain(chain) === 'notary';
  const firstTime = new Date(first.anchor.envelope.time);
  const fixedBy = (witnessed: WitnessedAnchor) => {
    const quorum = quorumOfAnchor(bundle, chain, witnessed);
    if (!quorum.met) return undefined;
    const at = checkpointTime(
      notaryLedger ? new Date(0) : new Date(witnessed.anchor.envelope.time),
      quorum.counted.map((witness) => witnessed.witnessing.timestamps[witness]!),
      quorum.required,
    );
    return at && { at, counted: quorum.counted };
  };
  const atFirst = fixedBy(first);
  if (atFirst)
    return {
      at: atFirst.at,
      by: `${notaryLedger ? 'the witnesses of its anchor' : 'its anchor'} of ${String((first.anchor.disclosure.fields as { treeSize?: string }).treeSize)} entries, once ${atFirst.counted.join(', ')} had cosigned it`,
    };
  const atLater = laterQuorum && fixedBy(laterQuorum);
  if (atLater) {
    const at = notaryLedger ? atLater.at : new Date(Math.max(firstTime.getTime(), atLater.at.getTime()));
    return {
      at,
      by: `its anchor, and the later checkpoint a quorum cosigned (${atLater.counted.join(', ')}) of ${String((laterQuorum.anchor.disclosure.fields as { treeSize?: string }).treeSize)} entries`,
    };
  }
  return { at: firstTime, by: 'its anchor, by the notary alone (no quorum of witnesses yet)' };
}

/**
 * Why `key` does not vouch for an entry first anchored at `at`
 * (`validWhenAnchored`: a revoked key gets no grace, a retired one the
 * bundle's `anchorGraceSeconds`), or undefined when it does. `seen` says
 * what `at` is: the first anchor's (fixed by it and its witnesses), that
 * of an anchor not known to be the first (its previous anchor was not
 * shorter: a receipt from before #24), or now (not yet anchored).
 */
export function keyProblemWhenAnchored(
  key: TrustedKey,
  at: Date,
  bundle: TrustBundle,
  seen: 'first' | 'later' | 'now' = 'first',
  /** The entry the key signed: a compromise revocation vouches for some of a stolen key's entries, by hash. */
  entry?: { chain: string; seq: number; hash: string },
): ProtocolError | undefined {
  const ruling = entry ? compromiseRuling(key, entry.chain, entry.seq, entry.hash) : { kind: 'not-named' as const };
  // After the checkpoint the department vouched for, only its listed entries: whenever they were anchored.
  if (ruling.kind === 'unvouched') return new ProtocolError(ProtocolErrorCode.KEY_REVOKED, ruling.reason, 'keyid');
  if (ruling.kind === 'vouched') return undefined;
  if (validWhenAnchored(key, at, bundle)) return undefined;
  const iso = at.toISOString();
  const when =
    seen === 'first'
      ? `first anchored at ${iso}`
      : seen === 'later'
        ? `anchored at ${iso}`
        : `not yet anchored at ${iso}`;
  if (key.revokedAt !== undefined && at.getTime() >= Date.parse(key.revokedAt))
    return new ProtocolError(
      ProtocolErrorCode.KEY_REVOKED,
      `key '${key.keyId}' was revoked at ${key.revokedAt}${key.revocationReason ? ` (${key.revocationReason})` : ''}, and the record was ${when}: a revoked key signs nothing the world saw after its revocation`,
      'keyid',
    );
  if (at.getTime() < Date.parse(key.validFrom))
    return new ProtocolError(
      ProtocolErrorCode.KEY_NOT_VALID_AT_TIME,
      `key '${key.keyId}' is valid from ${key.validFrom}, and the record was ${when}`,
      'keyid',
    );
  const grace = bundle.anchorGraceSeconds ?? DEFAULT_ANCHOR_GRACE_SECONDS;
  return new ProtocolError(
    ProtocolErrorCode.KEY_NOT_VALID_AT_TIME,
    `key '${key.keyId}' was retired at ${key.validUntil}, and the record was ${when}: after its validity and the bundle's anchor grace of ${grace} s`,
    'keyid',
  );
}

/** Whether `anchor` is the first of its chain to cover entry `seq`: the anchor before it (its `previousTreeSize`) did not. */
export function isFirstCovering(anchor: ReceiptEntry, seq: number): boolean {
  const previous = (anchor.disclosure.fields as { previousTreeSize?: unknown }).previousTreeSize;
  return previous === undefined || Number(previous) < seq;
}
