/**
 * The amount band the shared creditor register shows of a pledge instead of
 * its loan's amount: its order of magnitude, in the loan's currency. Bands
 * are [0, 1 000) and then [10^k, 10^(k+1)) for k ≥ 3 — 1 000 to 10 000,
 * 10 000 to 100 000, … — so another bank learns how heavily a parcel is
 * burdened, not what its competitor lent. Computed on the decimal string,
 * never as a float.
 */
export interface AmountBand {
  currency: string;
  /** The band's lower bound, included (money format: "10000.00"). */
  from: string;
  /** Its upper bound, excluded. */
  below: string;
}

const SMALLEST_BAND_DIGITS = 4; // [0, 1000) is one band: below it the magnitude tells too much of a small loan

const power = (digits: number) => `1${'0'.repeat(digits)}.00`;

/** The band of a money amount ("250000.00", two decimals, as the loan records it). */
export function amountBand(amount: string, currency: string): AmountBand {
  const match = /^(0|[1-9][0-9]*)\.[0-9]{2}$/.exec(amount);
  if (!match) throw new Error(`not an amount with two decimals: ${JSON.stringify(amount)}`);
  const digits = match[1]!.length;
  if (digits < SMALLEST_BAND_DIGITS) return { currency, from: '0.00', below: power(SMALLEST_BAND_DIGITS - 1) };
  return { currency, from: power(digits - 1), below: power(digits) };
}
