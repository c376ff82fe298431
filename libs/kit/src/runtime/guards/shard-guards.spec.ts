import { shardsMatchTopicPartitions, shardsMatchWrittenChains, unshardedChainIsOneShard } from './shard-guards.js';

describe('the shard count against the chains written', () => {
  it('lets a ledger start whose written chains are its configured ones', () => {
    const sut = shardsMatchWrittenChains({
      department: 'land',
      shards: 2,
      chains: ['land/0', 'land/1'],
      written: ['land/0'],
    });
    expect(sut).toEqual({ ok: true });
  });

  it('refuses shards over a ledger written unsharded, naming LEDGER_SHARDS=1', () => {
    const sut = shardsMatchWrittenChains({
      department: 'land',
      shards: 2,
      chains: ['land/0', 'land/1'],
      written: ['land'],
    });
    expect(sut).toEqual({
      ok: false,
      reason:
        'LEDGER_SHARDS=2 names the chains land/0, land/1, but the ledger of land holds entries in land: it was written ' +
        'with LEDGER_SHARDS=1. The shard count is fixed for the life of a ledger (a subject must stay in its chain); ' +
        'start with that count',
    });
  });

  it('refuses one chain over a sharded ledger, naming the least count it was written with', () => {
    const sut = shardsMatchWrittenChains({
      department: 'land',
      shards: 1,
      chains: ['land'],
      written: ['land/0', 'land/2'],
    });
    expect(sut).toEqual({
      ok: false,
      reason:
        'LEDGER_SHARDS=1 names the chains land, but the ledger of land holds entries in land/0, land/2: it was written ' +
        'with LEDGER_SHARDS=3 or more. The shard count is fixed for the life of a ledger (a subject must stay in its ' +
        'chain); start with that count',
    });
  });
});

describe('the shard count against the topic partitions', () => {
  const base = { department: 'land', topic: 'land.ledger', ledgerHasEntries: true };

  it('lets a ledger start while its topic does not exist yet', () => {
    expect(shardsMatchTopicPartitions({ ...base, shards: 2, partitions: undefined })).toEqual({ ok: true });
  });

  it('lets a new ledger grow a topic a follower made with one partition', () => {
    const sut = shardsMatchTopicPartitions({ ...base, shards: 2, partitions: 1, ledgerHasEntries: false });
    expect(sut).toEqual({ ok: true });
  });

  it('refuses fewer shards than the topic has partitions', () => {
    expect(shardsMatchTopicPartitions({ ...base, shards: 1, partitions: 3, ledgerHasEntries: false })).toEqual({
      ok: false,
      reason:
        'LEDGER_SHARDS=1, but the ledger of land was written with 3 shard(s) (its topic land.ledger has 3 partitions): ' +
        'the shard count is fixed for the life of a ledger (a subject must stay in its chain); start with LEDGER_SHARDS=3',
    });
  });

  it('refuses more shards than partitions once the ledger holds entries', () => {
    expect(shardsMatchTopicPartitions({ ...base, shards: 2, partitions: 1 })).toEqual({
      ok: false,
      reason:
        'LEDGER_SHARDS=2, but the ledger of land was written with 1 shard(s) (its topic land.ledger has 1 partitions): ' +
        'the shard count is fixed for the life of a ledger (a subject must stay in its chain); start with LEDGER_SHARDS=1',
    });
  });
});

describe('a ledger declared unsharded', () => {
  it('starts with one shard', () => {
    expect(unshardedChainIsOneShard({ department: 'notary', unsharded: true, shards: 1 })).toEqual({ ok: true });
  });

  it('refuses shards', () => {
    expect(unshardedChainIsOneShard({ department: 'notary', unsharded: true, shards: 2 })).toEqual({
      ok: false,
      reason: 'LEDGER_SHARDS: the notary ledger is not sharded (LEDGER_SHARDS must be 1 for the notary)',
    });
  });
});
