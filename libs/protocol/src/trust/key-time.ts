import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { keyProblemAt, type TrustBundle, type TrustedKey } from './trust-bundle.js';

/**
 * When a key counts as valid for an entry (issue #24, docs/PROTOCOL.md
 * "Key time"). An entry's `time` is what its signer claims: whoever holds a
 * stolen key claims whatever time suits him, so it never decides whether the
 * key was valid. What decides is a time somebody else fixed:
 *
 * - a follower, which sees an entry before any anchor covers it, judges the
 *   key with the bundle it applied when it received the entry, at that
 *   moment (`judgeAtReceipt`); the claimed time is checked only where it can
 *   be — not ahead of the follower's clock, not behind the entry before it
 *   (more than the skew either way) — and an old claimed time is never held
 *   against the clock, so a new follower can replay a year-old chain;
 * - an entry that fails is held until a quorum checkpoint covers it, and is
 *   then judged at that checkpoint's time (`validWhenAnchored`): the notary
 *   and q witnesses fixed it, and a key revoked before it signed nothing the
 *   checkpoint could vouch for.
 */

/** Default tolerance between a signer's clock and a follower's (5 minutes). */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Default time after its retirement a key's entries may still be first anchored (1 day; bundle `anchorGraceSeconds`). */
export const DEFAULT_ANCHOR_GRACE_SECONDS = 24 * 60 * 60;

export interface ReceiptTimes {
  /** What the entry claims (its `time` attribute). */
  claimed: Date;
  /** When this follower first received it: its own clock. */
  receivedAt: Date;
  /** The claimed time of the entry before it on its chain, when the follower has it. */
  previousClaimed?: Date;
  skewMs?: number;
}

/**
 * Why a follower holds an entry signed with `key` instead of applying it,
 * or undefined when it applies it: the key is not valid now (revoked,
 * retired, not yet valid), or the claimed time is ahead of the clock or
 * behind the entry before it by more than the skew. Pure.
 */
export function judgeAtReceipt(key: TrustedKey, times: ReceiptTimes): ProtocolError | undefined {
  const skew = times.skewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const atReceipt = keyProblemAt(key, times.receivedAt);
  if (atReceipt) {
    return new ProtocolError(
      atReceipt.code,
      `${atReceipt.reason} — judged at its receipt (${times.receivedAt.toISOString()}), not at the time it claims (${times.claimed.toISOString()})`,
      'keyid',
    );
  }
  if (times.claimed.getTime() > times.receivedAt.getTime() + skew) {
    return new ProtocolError(
      ProtocolErrorCode.TIME_AHEAD,
      `the entry claims ${times.claimed.toISOString()}, more than ${skew / 1000} s ahead of this follower's clock (${times.receivedAt.toISOString()})`,
      'time',
    );
  }
  if (times.previousClaimed && times.claimed.getTime() < times.previousClaimed.getTime() - skew) {
    return new ProtocolError(
      ProtocolErrorCode.TIME_BEFORE_PREVIOUS,
      `the entry claims ${times.claimed.toISOString()}, more than ${skew / 1000} s before the entry it follows (${times.previousClaimed.toISOString()})`,
      'time',
    );
  }
  return undefined;
}

/**
 * Whether `key` vouches for an entry a quorum checkpoint first covered at
 * `anchoredAt`: not revoked by then; inside its window, where a retired key
 * (validUntil) keeps the bundle's grace — its last entries are anchored a
 * little after the rotation — and a revoked one keeps none. Pure.
 */
export function validWhenAnchored(
  key: TrustedKey,
  anchoredAt: Date,
  bundle: Pick<TrustBundle, 'anchorGraceSeconds'>,
): boolean {
  const time = anchoredAt.getTime();
  if (key.revokedAt !== undefined && time >= Date.parse(key.revokedAt)) return false;
  if (time < Date.parse(key.validFrom)) return false;
  if (key.validUntil === undefined) return true;
  const graceMs = (bundle.anchorGraceSeconds ?? DEFAULT_ANCHOR_GRACE_SECONDS) * 1000;
  return time < Date.parse(key.validUntil) + graceMs;
}

/**
 * The time a quorum checkpoint fixes for what it covers: the later of the
 * anchor's own time (the notary's) and the q-th earliest timestamp of the
 * witnesses counted for the quorum — q parties besides the notary had seen
 * the entry by then, so a stolen notary key alone cannot move it back.
 * Undefined when fewer than q timestamps are given.
 */
export function checkpointTime(
  anchorTime: Date,
  witnessTimestamps: readonly number[],
  quorum: number,
): Date | undefined {
  if (quorum < 1) return anchorTime;
  const sorted = [...witnessTimestamps].sort((a, b) => a - b);
  const qth = sorted[quorum - 1];
  if (qth === undefined) return undefined;
  return new Date(Math.max(anchorTime.getTime(), qth * 1000));
}

/**
 * What a compromise revocation says of one entry signed with the stolen key
 * (issue #24): its chain not named — the revocation's ordinary rule; at or
 * below the vouched checkpoint's size — the vouched prefix, judged as any
 * entry is (the first checkpoint covering it must be before the
 * revocation); after it — valid only when its hash is among the
 * legitimate ones the department listed, whenever it was anchored (the
 * thief's entries between the theft and the revocation were anchored
 * before the revocation too). Pure.
 */
export type CompromiseRuling =
  | { kind: 'not-named' }
  | { kind: 'in-prefix'; size: number }
  | { kind: 'vouched' }
  | { kind: 'unvouched'; reason: string };

export function compromiseRuling(key: TrustedKey, chain: string, seq: number, hashHex: string): CompromiseRuling {
  const vouched = key.compromise?.find((record) => record.chain === chain);
  if (!vouched) return { kind: 'not-named' };
  if (seq <= vouched.size) return { kind: 'in-prefix', size: vouched.size };
  if (vouched.legitimate.includes(hashHex.toLowerCase())) return { kind: 'vouched' };
  return {
    kind: 'unvouched',
    reason: `key '${key.keyId}' was revoked as compromised; ${chain} vouched up to ${vouched.size} and ${vouched.legitimate.length} legitimate entr${vouched.legitimate.length === 1 ? 'y' : 'ies'} after it, not entry ${seq} (${hashHex})`,
  };
}
