import { DepartmentStack } from './department-stack.js';

const prospectus = { documentType: 'prospectus', reference: 'PR-2026-7' };
const approval = { documentType: 'administrative-act', reference: 'NBG-APP-7' };

/**
 * A bond issue from registration to settlement on real Kafka and Postgres,
 * in seconds rather than the seed's 15 days; at settlement the credit
 * registry learns what each bank's investors hold, where the bond registry
 * granted it.
 */
describe('bond register: an issue from registration to settlement, and the banks told', () => {
  const stack = new DepartmentStack();
  let regulator: string;
  let clerk: string;
  let alpha: string;

  const step = (path: string, body: unknown, token = clerk) =>
    stack.call('bond', 'POST', `/v1/issues/GE0000000017${path}`, { token, body });

  beforeAll(async () => {
    await stack.start(['bond', 'credit']);
    await stack.grant('bond', 'credit', ['gov.bond.holding.*']);
    regulator = await stack.token('bond', 'admin', 'admin:regulator');
    clerk = await stack.token('bond', 'clerk', 'clerk:bond-1');
    alpha = await stack.token('credit', 'clerk', 'clerk:alpha-bonds', 'bank:alpha');
    const issuer = await stack.call('bond', 'POST', '/v1/issuers', {
      token: regulator,
      body: { issuerId: 'issuer:mof', name: 'Ministry of Finance', basis: approval },
    });
    expect(issuer.status).toBe(201);
  });

  afterAll(() => stack.stop());

  it('runs the whole lifecycle, each step from the one before only', async () => {
    const started = Date.now();
    const registered = await stack.call('bond', 'POST', '/v1/issues', {
      token: clerk,
      body: {
        isin: 'GE0000000017',
        issuerId: 'issuer:mof',
        currency: 'GEL',
        faceValue: '1000.00',
        quantity: 100,
        couponRate: '7.50',
        maturity: '2031-11-25',
        basis: prospectus,
      },
    });
    expect(registered.status).toBe(201);
    // Approval is the regulator's.
    expect((await step('/approval', { basis: approval })).status).toBe(403);
    expect(await step('/book', { basis: prospectus })).toMatchObject({
      status: 409,
      body: { code: 'BOND.WRONG_STEP' },
    });
    expect((await step('/approval', { basis: approval }, regulator)).status).toBe(201);
    expect((await step('/book', { basis: prospectus })).status).toBe(201);
    const over = await step('/allocations', {
      allocations: [{ investor: 'person:1', bankId: 'bank:alpha', quantity: 101 }],
      basis: prospectus,
    });
    expect(over).toMatchObject({ status: 422, body: { code: 'BOND.OVER_ALLOCATED' } });
    const allocated = await step('/allocations', {
      allocations: [
        { investor: 'person:1', bankId: 'bank:alpha', quantity: 60 },
        { investor: 'person:2', bankId: 'bank:beta', quantity: 40 },
      ],
      basis: prospectus,
    });
    expect(allocated.status).toBe(201);
    const settled = await step('/settlement', { basis: prospectus });
    expect(settled.status).toBe(201);
    expect((settled.body.entries as Array<{ type: string }>).map((entry) => entry.type)).toEqual([
      'gov.bond.issue.settled.v1',
      'gov.bond.holding.settled.v1',
      'gov.bond.holding.settled.v1',
    ]);
    const lifecycleMs = Date.now() - started;
    process.stdout.write(`bond issue registered → settled in ${lifecycleMs} ms through REST\n`);

    // Bank alpha's registry sees its investor's holding, noted from the bond register's entry.
    const holdings = await stack.eventually('the credit registry to note bank alpha’s holdings', async () => {
      const answer = await stack.call('credit', 'GET', '/v1/banks/bank:alpha/bond-holdings', { token: alpha });
      const list = (answer.body.holdings ?? []) as Array<{ isin: string; investor: string; quantity: number }>;
      return list.length > 0 ? list : undefined;
    });
    expect(holdings).toEqual([
      expect.objectContaining({
        isin: 'GE0000000017',
        investor: 'person:1',
        quantity: 60,
        cause: expect.objectContaining({ chain: 'bond' }),
      }),
    ]);
    // A bank's clerk sees only its own bank's holdings.
    const foreign = await stack.call('credit', 'GET', '/v1/banks/bank:beta/bond-holdings', { token: alpha });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_SCOPE' } });

    // After settlement: transfers within holdings, coupons once, redemption once.
    const transfer = (quantity: number) =>
      step('/transfers', { from: 'person:2', to: 'person:3', toBankId: 'bank:alpha', quantity, basis: prospectus });
    expect(await transfer(41)).toMatchObject({ status: 422, body: { code: 'BOND.INSUFFICIENT_HOLDING' } });
    expect((await transfer(40)).status).toBe(201);
    const coupon = { couponId: 'C-2027', paidOn: '2027-11-25', ratePercent: '7.50', basis: prospectus };
    expect((await step('/coupons', coupon)).status).toBe(201);
    expect(await step('/coupons', coupon)).toMatchObject({ status: 409, body: { code: 'BOND.COUPON_EXISTS' } });
    expect((await step('/redemption', { basis: prospectus })).status).toBe(201);
    const issue = await stack.call('bond', 'GET', '/v1/issues/GE0000000017', { token: clerk });
    expect(issue.body).toMatchObject({
      status: 'redeemed',
      holdings: { 'person:1': { quantity: 60 }, 'person:3': { bankId: 'bank:alpha', quantity: 40 } },
      coupons: ['C-2027'],
    });
  });
});
