import { recordAggregate } from '@registry-bus/kit';
import { shardOf } from '@registry-bus/ledger';

import { DepartmentStack } from './department-stack.js';

/**
 * The credit registry split into shards (LEDGER_SHARDS=2): a bank's bond
 * holdings are keyed `bank:isin`, so one bank's holdings sit in several
 * chains (`credit/0`, `credit/1`), and GET /v1/banks/:bankId/bond-holdings
 * reads them from every chain of the ledger, each naming its chain.
 */
describe('credit registry on a sharded ledger: a bank’s bond holdings from every shard', () => {
  const stack = new DepartmentStack();
  let alpha: string;

  beforeAll(async () => {
    await stack.start(['credit'], { LEDGER_SHARDS: '2' });
    alpha = await stack.token('credit', 'clerk', 'clerk:alpha-shards', 'bank:alpha');
  });

  afterAll(() => stack.stop());

  it('answers the holdings noted in both shards, and none of another bank', async () => {
    // Two issues whose `bank:alpha:<isin>` subjects fall into different shards (fixed by the hash).
    const isins = Array.from({ length: 20 }, (_, i) => `GE00000000${String(i).padStart(2, '0')}`);
    const inShard0 = isins.find((isin) => shardOf(`bank:alpha:${isin}`, 2) === 0)!;
    const inShard1 = isins.find((isin) => shardOf(`bank:alpha:${isin}`, 2) === 1)!;
    const { runtime } = stack.get('credit');
    const note = (bankId: string, isin: string, quantity: number) =>
      runtime.commands.run(
        recordAggregate('bond-holding'),
        `${bankId}:${isin}`,
        {
          type: 'gov.credit.bond-holding.noted.v1',
          data: {
            isin,
            bankId,
            investor: 'person:1',
            quantity,
            cause: { chain: 'bond', seq: 1, hash: '00'.repeat(32) },
          },
        },
        { actor: 'system:test', idempotencyKey: `note:${bankId}:${isin}` },
      );
    await note('bank:alpha', inShard0, 10);
    await note('bank:alpha', inShard1, 20);
    await note('bank:beta', inShard0, 30);

    const answer = await stack.call('credit', 'GET', '/v1/banks/bank:alpha/bond-holdings', { token: alpha });
    expect(answer.status).toBe(200);
    const holdings = answer.body.holdings as Array<{ chain: string; isin: string; quantity: number }>;
    expect(holdings.map(({ chain, isin, quantity }) => ({ chain, isin, quantity }))).toEqual([
      { chain: 'credit/0', isin: inShard0, quantity: 10 },
      { chain: 'credit/1', isin: inShard1, quantity: 20 },
    ]);
  });
});
