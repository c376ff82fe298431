import type { SignedHead } from '@registry-bus/ledger';

/** Why the notary could not check a chain's head this round (the label of `…_notary_head_unchecked_total`). */
export type UncheckedReason =
  'not-found-unsigned' | 'stale-head' | 'bad-signature' | 'http-error' | 'timeout' | 'unreachable' | 'bad-answer';

export type ShorterLedgerVerdict =
  { kind: 'alarm'; detail: string } | { kind: 'unchecked'; reason: UncheckedReason; why: string };

/**
 * After a department answered 404 for its head at `size` — an unsigned
 * answer anyone on the path could forge — whether its current signed head
 * (already checked under the trust bundle) proves the tail was removed: it
 * signed a ledger shorter than `size`, at a time no earlier than its own
 * signature on entry `size` (so it is not an old head replayed). Anything
 * less is a check that could not be made, never an alarm.
 */
export function shorterLedgerVerdict(
  chain: string,
  size: number,
  published: { time: string },
  current: SignedHead,
): ShorterLedgerVerdict {
  if (current.chain !== chain) {
    return {
      kind: 'unchecked',
      reason: 'bad-answer',
      why: `asked for the head of ${chain}, the department signed one of ${current.chain}`,
    };
  }
  if (current.treeSize >= size) {
    return {
      kind: 'unchecked',
      reason: 'not-found-unsigned',
      why: `an unsigned 404 for ${size} entries, while ${chain}'s signed head says ${current.treeSize}: not evidence of anything`,
    };
  }
  if (!(Date.parse(current.time) >= Date.parse(published.time))) {
    return {
      kind: 'unchecked',
      reason: 'stale-head',
      why: `the signed head of ${current.treeSize} entries is from ${current.time}, before ${chain} signed entry ${size} (${published.time}): an old head, perhaps replayed`,
    };
  }
  return {
    kind: 'alarm',
    detail: `${chain} published ${size} entries, which the notary holds (entry ${size} signed at ${published.time}), but signed a head of ${current.treeSize} entries at ${current.time}: its tail was removed. The signed head: ${JSON.stringify(current)}`,
  };
}
