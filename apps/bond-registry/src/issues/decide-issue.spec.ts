import { specFor } from '@registry-bus/domain';

import { BondErrorCode } from '../bond-errors.js';
import { issueDecider } from './decide-issue.js';
import type { IssueEvent } from './issue-events.js';

const given = specFor(issueDecider);
const basis = { documentType: 'prospectus' as const, reference: 'PR-1' };
const terms = {
  isin: 'GE0000000017',
  issuerId: 'issuer:mof',
  currency: 'GEL',
  faceValue: '1000.00',
  quantity: 100,
  couponRate: '7.50',
  maturity: '2031-11-25',
};
const registered: IssueEvent = { type: 'gov.bond.issue.registered.v1', data: { ...terms, basis } };
const step = (name: 'approved' | 'book-opened' | 'settled' | 'redeemed'): IssueEvent => ({
  type: `gov.bond.issue.${name}.v1`,
  data: { isin: terms.isin, basis },
});
const allocations = [
  { investor: 'person:1', bankId: 'bank:alpha', quantity: 60 },
  { investor: 'person:2', bankId: 'bank:beta', quantity: 30 },
  { investor: 'person:1', bankId: 'bank:alpha', quantity: 10 },
];
const allocated: IssueEvent = { type: 'gov.bond.issue.allocated.v1', data: { isin: terms.isin, allocations, basis } };
const holding = (investor: string, bankId: string, quantity: number): IssueEvent => ({
  type: 'gov.bond.holding.settled.v1',
  data: { isin: terms.isin, bankId, investor, quantity, basis },
});
const settledHistory = [
  registered,
  step('approved'),
  step('book-opened'),
  allocated,
  step('settled'),
  holding('person:1', 'bank:alpha', 70),
  holding('person:2', 'bank:beta', 30),
];

describe('bond register: an issue', () => {
  it('is registered once, by a registered issuer', () => {
    given([])
      .when({ kind: 'register-issue', ...terms, basis, issuerRegistered: true })
      .then([registered]);
    given([registered])
      .when({ kind: 'register-issue', ...terms, basis, issuerRegistered: true })
      .thenRefuses(BondErrorCode.ISSUE_EXISTS, 'isin');
    given([])
      .when({ kind: 'register-issue', ...terms, basis, issuerRegistered: false })
      .thenRefuses(BondErrorCode.ISSUER_NOT_FOUND, 'issuerId');
  });

  it('goes registered → approved → book opened → allocated → settled, each step from the one before only', () => {
    given([registered])
      .when({ kind: 'approve', basis })
      .then([step('approved')]);
    given([registered]).when({ kind: 'open-book', basis }).thenRefuses(BondErrorCode.WRONG_STEP, 'isin');
    given([registered, step('approved')])
      .when({ kind: 'open-book', basis })
      .then([step('book-opened')]);
    given([registered, step('approved')])
      .when({ kind: 'allocate', allocations, basis })
      .thenRefuses(BondErrorCode.WRONG_STEP, 'isin');
    given([registered, step('approved'), step('book-opened')])
      .when({ kind: 'allocate', allocations, basis })
      .then([allocated]);
    given([registered, step('approved'), step('book-opened')])
      .when({ kind: 'allocate', allocations: [{ investor: 'person:1', bankId: 'bank:alpha', quantity: 101 }], basis })
      .thenRefuses(BondErrorCode.OVER_ALLOCATED, 'allocations');
    given([registered, step('approved'), step('book-opened')])
      .when({ kind: 'settle', basis })
      .thenRefuses(BondErrorCode.WRONG_STEP, 'isin');
  });

  it('settles with one holding per investor, through its bank', () => {
    given([registered, step('approved'), step('book-opened'), allocated])
      .when({ kind: 'settle', basis })
      .then([step('settled'), holding('person:1', 'bank:alpha', 70), holding('person:2', 'bank:beta', 30)]);
  });

  it('after settlement: transfers what a holder holds, pays each coupon once, redeems once', () => {
    given(settledHistory)
      .when({ kind: 'transfer', from: 'person:1', to: 'person:3', toBankId: 'bank:beta', quantity: 20, basis })
      .then([
        {
          type: 'gov.bond.holding.transferred.v1',
          data: { isin: terms.isin, from: 'person:1', to: 'person:3', toBankId: 'bank:beta', quantity: 20, basis },
        },
      ]);
    given(settledHistory)
      .when({ kind: 'transfer', from: 'person:2', to: 'person:3', toBankId: 'bank:beta', quantity: 31, basis })
      .thenRefuses(BondErrorCode.INSUFFICIENT_HOLDING, 'quantity');
    const coupon = { kind: 'pay-coupon' as const, couponId: 'C-1', paidOn: '2027-11-25', ratePercent: '7.50', basis };
    given(settledHistory)
      .when(coupon)
      .then([
        {
          type: 'gov.bond.coupon.paid.v1',
          data: { isin: terms.isin, couponId: 'C-1', paidOn: '2027-11-25', ratePercent: '7.50', basis },
        },
      ]);
    given([
      ...settledHistory,
      {
        type: 'gov.bond.coupon.paid.v1',
        data: { isin: terms.isin, couponId: 'C-1', paidOn: '2027-11-25', ratePercent: '7.50', basis },
      },
    ])
      .when(coupon)
      .thenRefuses(BondErrorCode.COUPON_EXISTS, 'couponId');
    given(settledHistory)
      .when({ kind: 'redeem', basis })
      .then([step('redeemed')]);
    given([...settledHistory, step('redeemed')])
      .when({ kind: 'redeem', basis })
      .thenRefuses(BondErrorCode.WRONG_STEP, 'isin');
    given([...settledHistory, step('redeemed')])
      .when(coupon)
      .thenRefuses(BondErrorCode.WRONG_STEP, 'isin');
  });

  it('keeps holdings through transfers', () => {
    const transferred: IssueEvent = {
      type: 'gov.bond.holding.transferred.v1',
      data: { isin: terms.isin, from: 'person:2', to: 'person:3', toBankId: 'bank:alpha', quantity: 30, basis },
    };
    const state = [...settledHistory, transferred].reduce(issueDecider.evolve, issueDecider.initialState);
    expect(state).toMatchObject({
      status: 'settled',
      holdings: {
        'person:1': { bankId: 'bank:alpha', quantity: 70 },
        'person:3': { bankId: 'bank:alpha', quantity: 30 },
      },
    });
    expect(Object.keys((state as { holdings: object }).holdings)).not.toContain('person:2');
  });

  it("refuses to move an investor's holding to another bank: an allocation through two banks, a transfer naming another", () => {
    given([registered, step('approved'), step('book-opened')])
      .when({
        kind: 'allocate',
        allocations: [
          { investor: 'person:1', bankId: 'bank:alpha', quantity: 60 },
          { investor: 'person:1', bankId: 'bank:beta', quantity: 10 },
        ],
        basis,
      })
      .thenRefuses(BondErrorCode.HOLDER_AT_OTHER_BANK, 'allocations.1.bankId');
    // person:2 holds its 30 through bank:beta; one bond sent to it through bank:alpha would carry all 31 there.
    given(settledHistory)
      .when({ kind: 'transfer', from: 'person:1', to: 'person:2', toBankId: 'bank:alpha', quantity: 1, basis })
      .thenRefuses(BondErrorCode.HOLDER_AT_OTHER_BANK, 'toBankId');
    given(settledHistory)
      .when({ kind: 'transfer', from: 'person:1', to: 'person:1', toBankId: 'bank:beta', quantity: 10, basis })
      .thenRefuses(BondErrorCode.HOLDER_AT_OTHER_BANK, 'toBankId');
    given(settledHistory)
      .when({ kind: 'transfer', from: 'person:1', to: 'person:2', toBankId: 'bank:beta', quantity: 1, basis })
      .then([
        {
          type: 'gov.bond.holding.transferred.v1',
          data: { isin: terms.isin, from: 'person:1', to: 'person:2', toBankId: 'bank:beta', quantity: 1, basis },
        },
      ]);
  });
});
