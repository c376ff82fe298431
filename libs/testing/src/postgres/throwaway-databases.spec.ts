import { newRunId, runPrefix, throwawayName, withDatabase } from './throwaway-databases.js';

describe('throw-away names', () => {
  it('starts every name with the run prefix, which begins with the owning pid in base 36', () => {
    const runId = newRunId(12345);
    expect(runId.startsWith(`${(12345).toString(36)}_`)).toBe(true);
    expect(throwawayName(runId, 'Ledger-A')).toBe(`${runPrefix(runId)}ledger_a`);
  });

  it('refuses names longer than Postgres allows', () => {
    expect(() => throwawayName('abc_def', 'x'.repeat(80))).toThrow(/63/);
  });

  it('swaps the database and credentials of a connection string', () => {
    const sut = withDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'rbt_x', { user: 'w', password: 'p@ss' });
    expect(sut).toBe('postgres://w:p%40ss@127.0.0.1:5432/rbt_x');
  });
});
