import { ONE, addFractions, compareFractions, formatFraction, parseFraction, subtractFractions } from './fractions.js';

describe('fractions', () => {
  it('adds shares exactly: 1/3 + 1/6 + 1/2 = 1', () => {
    const sum = ['1/3', '1/6', '1/2'].map((s) => parseFraction(s)!).reduce(addFractions);
    expect(compareFractions(sum, ONE)).toBe(0);
    expect(formatFraction(sum)).toBe('1');
  });

  it('subtracts and normalises', () => {
    expect(formatFraction(subtractFractions(parseFraction('3/4')!, parseFraction('1/4')!))).toBe('1/2');
  });

  it.each(['1/0', '-1/2', '0.5', '1/2/3', '', '01/2'])('refuses %j', (text) => {
    expect(parseFraction(text)).toBeUndefined();
  });
});
