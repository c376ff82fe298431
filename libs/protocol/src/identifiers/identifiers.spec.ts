import {
  CHAIN_PATTERN,
  departmentOfChain,
  departmentOfSource,
  formatChain,
  parseChain,
  partitionOfChain,
  requireChain,
  shardOfChain,
} from './identifiers.js';

describe('department and chain ids', () => {
  it('parses an unsharded and a sharded chain and prints them back', () => {
    expect(parseChain('land')).toEqual({ department: 'land' });
    expect(parseChain('land/3')).toEqual({ department: 'land', shard: 3 });
    expect(parseChain('credit-union/0')).toEqual({ department: 'credit-union', shard: 0 });
    for (const chain of ['land', 'land/0', 'land/3', 'diploma/9999'])
      expect(formatChain(parseChain(chain)!)).toBe(chain);
  });

  it.each([
    '',
    'Land',
    '1land',
    'land/',
    'land/01',
    'land/10000',
    'land/-1',
    'land/3/4',
    'land/x',
    ' land',
    'a'.repeat(32),
  ])('refuses %j', (text) => {
    expect(parseChain(text)).toBeUndefined();
    expect(CHAIN_PATTERN.test(text)).toBe(false);
    expect(() => requireChain(text)).toThrow(`'${text}' is not a chain id (<dept> or <dept>/<shard>)`);
  });

  it('answers department, shard and partition', () => {
    expect(departmentOfChain('bond/2')).toBe('bond');
    expect(shardOfChain('bond/2')).toBe(2);
    expect(shardOfChain('bond')).toBeUndefined();
    expect(partitionOfChain('bond')).toBe(0);
    expect(partitionOfChain('bond/7')).toBe(7);
    expect(() => partitionOfChain('bond/07')).toThrow("'bond/07' is not a chain id");
    expect(departmentOfSource('urn:gov:court')).toBe('court');
    expect(departmentOfSource('urn:gov:Court')).toBeUndefined();
  });

  it('refuses to print what it would not parse', () => {
    expect(() => formatChain({ department: 'Land' })).toThrow("'Land' is not a department id");
    expect(() => formatChain({ department: 'land', shard: 1.5 })).toThrow("'1.5' is not a shard");
  });
});
