import { checkHealth } from './health-check.js';

describe('checkHealth', () => {
  it('is ok only when every dependency answers', async () => {
    const sut = await checkHealth([
      { name: 'postgres', check: async () => undefined },
      { name: 'kafka', check: async () => Promise.reject(new Error('connection refused')) },
    ]);
    expect(sut.ok).toBe(false);
    expect(sut.dependencies).toEqual([
      expect.objectContaining({ name: 'postgres', ok: true }),
      expect.objectContaining({ name: 'kafka', ok: false, error: 'connection refused' }),
    ]);
  });

  it('reports a dependency that hangs as failed after the timeout', async () => {
    const sut = await checkHealth([{ name: 'slow', check: () => new Promise(() => undefined) }], 50);
    expect(sut.dependencies[0]).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
  });
});
