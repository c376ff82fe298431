/**
 * Exact shares of ownership as fractions ("1/2", "3/8", "1"): owners' shares
 * must add up to exactly one, which binary floating point cannot promise.
 */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

const FRACTION = /^(0|[1-9][0-9]{0,17})(?:\/([1-9][0-9]{0,17}))?$/;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

function normalise(numerator: bigint, denominator: bigint): Fraction {
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/** Parses "a/b" or "a"; undefined when it is not a fraction. */
export function parseFraction(text: string): Fraction | undefined {
  const match = FRACTION.exec(text);
  if (!match) return undefined;
  return normalise(BigInt(match[1]!), BigInt(match[2] ?? '1'));
}

export function addFractions(a: Fraction, b: Fraction): Fraction {
  return normalise(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function subtractFractions(a: Fraction, b: Fraction): Fraction {
  return normalise(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator);
}

export function compareFractions(a: Fraction, b: Fraction): number {
  const difference = a.numerator * b.denominator - b.numerator * a.denominator;
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

export function formatFraction(value: Fraction): string {
  return value.denominator === 1n ? String(value.numerator) : `${value.numerator}/${value.denominator}`;
}

export const ZERO: Fraction = { numerator: 0n, denominator: 1n };
export const ONE: Fraction = { numerator: 1n, denominator: 1n };
