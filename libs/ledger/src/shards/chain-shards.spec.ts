import { chainForSubject, shardChains, shardOf } from './chain-shards.js';

describe('chain shards', () => {
  it('names one chain per shard, or the department itself when unsharded', () => {
    expect(shardChains('land', 1)).toEqual(['land']);
    expect(shardChains('land', 3)).toEqual(['land/0', 'land/1', 'land/2']);
    expect(() => shardChains('land', 0)).toThrow(/from 1 to 256/);
    expect(() => shardChains('land', 1.5)).toThrow(/from 1 to 256/);
  });

  it('puts a subject in the same shard every time, and spreads subjects over all shards', () => {
    const subjects = Array.from({ length: 4000 }, (_, i) => `GE-01-${i}`);
    const counts = [0, 0, 0, 0];
    for (const subject of subjects) {
      const shard = shardOf(subject, 4);
      expect(shardOf(subject, 4)).toBe(shard);
      counts[shard]!++;
    }
    // A hash, not a round robin: each shard gets roughly a quarter (1,000 ± 15 %).
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('gives the chain id the protocol and the topic partition use', () => {
    expect(chainForSubject('land', 1, 'GE-01-7')).toBe('land');
    const chain = chainForSubject('land', 4, 'GE-01-7');
    expect(chain).toBe(`land/${shardOf('GE-01-7', 4)}`);
    // Known answers (SHA-256 of the subject, first four bytes big-endian, mod S): a change of the
    // function would move every subject of every sharded ledger, so it is pinned.
    expect(shardOf('GE-01-7', 4)).toBe(3864541691 % 4);
    expect(shardOf('a', 4)).toBe(3398926610 % 4);
    expect(shardOf('a', 7)).toBe(3398926610 % 7);
  });
});
