import { Lifecycle, startUpFailure } from './lifecycle.js';

describe('the lifecycle of a department', () => {
  it('starts parts in order and stops them in reverse', async () => {
    const seen: string[] = [];
    const part = (name: string) => ({
      name,
      start: async () => void seen.push(`start ${name}`),
      stop: async () => void seen.push(`stop ${name}`),
    });
    const sut = new Lifecycle([part('database'), part('topics'), part('following')]);
    await sut.start();
    await sut.stop();
    expect(seen).toEqual([
      'start database',
      'start topics',
      'start following',
      'stop following',
      'stop topics',
      'stop database',
    ]);
  });

  it('names the part that failed, passing its error on unchanged, and stops what it began, in reverse', async () => {
    const seen: string[] = [];
    const sut = new Lifecycle([
      { name: 'database', start: async () => undefined, stop: async () => void seen.push('stop database') },
      {
        name: 'start-up guards',
        start: async () => {
          throw new Error('LEDGER_SHARDS=1, but the ledger of land was written with 2 shard(s)');
        },
        stop: async () => void seen.push('stop guards'),
      },
      { name: 'following', start: async () => void seen.push('start following') },
    ]);
    const error = await sut.start().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect((error as Error).message).toBe('LEDGER_SHARDS=1, but the ledger of land was written with 2 shard(s)');
    expect(startUpFailure(error)).toBe(
      'start-up failed in start-up guards: LEDGER_SHARDS=1, but the ledger of land was written with 2 shard(s)',
    );
    await sut.stop();
    expect(seen).toEqual(['stop guards', 'stop database']);
  });
});
