import {
  ONE,
  ZERO,
  addFractions,
  compareFractions,
  formatFraction,
  parseFraction,
  subtractFractions,
  type Fraction,
} from '@registry-bus/domain';

import type { Ownership } from './parcel-events.js';

export function shareOf(owners: Ownership[], ownerId: string): Fraction {
  return owners
    .filter((o) => o.ownerId === ownerId)
    .reduce((sum, o) => addFractions(sum, parseFraction(o.share)!), ZERO);
}

export function totalShares(owners: Ownership[]): Fraction | undefined {
  let sum = ZERO;
  for (const owner of owners) {
    const share = parseFraction(owner.share);
    if (!share || share.numerator === 0n) return undefined;
    sum = addFractions(sum, share);
  }
  return sum;
}

export const isWhole = (value: Fraction) => compareFractions(value, ONE) === 0;

/** The owners after `from` hands `share` of the parcel to `to` (whose shares add up to `share`). */
export function mergeOwnership(owners: Ownership[], from: string, share: string, to: Ownership[]): Ownership[] {
  const totals = new Map<string, Fraction>();
  const add = (ownerId: string, value: Fraction) =>
    totals.set(ownerId, addFractions(totals.get(ownerId) ?? ZERO, value));
  for (const owner of owners) add(owner.ownerId, parseFraction(owner.share)!);
  totals.set(from, subtractFractions(totals.get(from) ?? ZERO, parseFraction(share)!));
  for (const receiver of to) add(receiver.ownerId, parseFraction(receiver.share)!);
  return [...totals.entries()]
    .filter(([, value]) => value.numerator > 0n)
    .map(([ownerId, value]) => ({ ownerId, share: formatFraction(value) }));
}
