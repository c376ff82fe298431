import { DomainError, type Decider } from '@registry-bus/domain';

import { BondErrorCode } from '../bond-errors.js';
import type { Allocation, IssueCommand, IssueEvent, IssueTerms } from './issue-events.js';

export type IssueStatus = 'registered' | 'approved' | 'book-opened' | 'allocated' | 'settled' | 'redeemed';

/** Who holds how much: `<investor>` → its bank and quantity. */
export type Holdings = Record<string, { bankId: string; quantity: number }>;

export type IssueState =
  | { status: 'none' }
  | (IssueTerms & { status: IssueStatus; allocations: Allocation[]; holdings: Holdings; coupons: string[] });

export const initialIssueState: IssueState = { status: 'none' };

const STEP_OF: Record<string, IssueStatus> = {
  'gov.bond.issue.approved.v1': 'approved',
  'gov.bond.issue.book-opened.v1': 'book-opened',
  'gov.bond.issue.settled.v1': 'settled',
  'gov.bond.issue.redeemed.v1': 'redeemed',
};

export function evolveIssue(state: IssueState, event: IssueEvent): IssueState {
  if (event.type === 'gov.bond.issue.registered.v1') {
    const { basis: _basis, ...terms } = event.data;
    return { ...terms, status: 'registered', allocations: [], holdings: {}, coupons: [] };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'gov.bond.issue.allocated.v1':
      return { ...state, status: 'allocated', allocations: event.data.allocations };
    case 'gov.bond.holding.settled.v1': {
      const held = state.holdings[event.data.investor]?.quantity ?? 0;
      return {
        ...state,
        holdings: {
          ...state.holdings,
          [event.data.investor]: { bankId: event.data.bankId, quantity: held + event.data.quantity },
        },
      };
    }
    case 'gov.bond.holding.transferred.v1': {
      const { from, to, toBankId, quantity } = event.data;
      const holdings = { ...state.holdings };
      const remaining = holdings[from]!.quantity - quantity;
      if (remaining === 0) delete holdings[from];
      else holdings[from] = { ...holdings[from]!, quantity: remaining };
      holdings[to] = { bankId: toBankId, quantity: (holdings[to]?.quantity ?? 0) + quantity };
      return { ...state, holdings };
    }
    case 'gov.bond.coupon.paid.v1':
      return { ...state, coupons: [...state.coupons, event.data.couponId] };
    case 'gov.bond.issuer.registered.v1':
      return state;
    default:
      return { ...state, status: STEP_OF[event.type] ?? state.status };
  }
}

/** The step each lifecycle command needs, and the event it records. */
const LIFECYCLE = {
  approve: { from: 'registered', type: 'gov.bond.issue.approved.v1' },
  'open-book': { from: 'approved', type: 'gov.bond.issue.book-opened.v1' },
  settle: { from: 'allocated', type: 'gov.bond.issue.settled.v1' },
  redeem: { from: 'settled', type: 'gov.bond.issue.redeemed.v1' },
} as const;

const wrongStep = (isin: string, status: string, needs: string, what: string) =>
  new DomainError(BondErrorCode.WRONG_STEP, `issue ${isin} is ${status}; ${what} needs it ${needs}`, 'isin');

const otherBank = (investor: string, isin: string, bankId: string, field: string) =>
  new DomainError(
    BondErrorCode.HOLDER_AT_OTHER_BANK,
    `${investor} holds ${isin} through ${bankId}; its bonds of this issue are recorded through that bank only`,
    field,
    'invalid',
  );

/**
 * An issue goes registered → approved → book opened → allocated → settled,
 * each step from the one before only; allocations never exceed the issue;
 * settlement records each investor's holding through its one bank; after it,
 * holders transfer what they hold, coupons are paid once each, and the issue
 * is redeemed once.
 */
export function decideIssue(command: IssueCommand, state: IssueState): IssueEvent[] {
  if (command.kind === 'register-issue') {
    if (state.status !== 'none') {
      throw new DomainError(BondErrorCode.ISSUE_EXISTS, `issue ${command.isin} is already registered`, 'isin');
    }
    if (!command.issuerRegistered) {
      throw new DomainError(
        BondErrorCode.ISSUER_NOT_FOUND,
        `${command.issuerId} is not a registered issuer`,
        'issuerId',
        'not-found',
      );
    }
    const { kind: _kind, issuerRegistered: _registered, ...data } = command;
    return [{ type: 'gov.bond.issue.registered.v1', data }];
  }
  if (state.status === 'none') {
    throw new DomainError(BondErrorCode.ISSUE_NOT_FOUND, 'there is no such issue', 'isin', 'not-found');
  }
  const { isin } = state;
  switch (command.kind) {
    case 'approve':
    case 'open-book':
    case 'settle':
    case 'redeem': {
      const step = LIFECYCLE[command.kind];
      if (state.status !== step.from) throw wrongStep(isin, state.status, step.from, command.kind);
      const recorded: IssueEvent = { type: step.type, data: { isin, basis: command.basis } };
      if (command.kind !== 'settle') return [recorded];
      // One holding per investor (through its bank): what each bank is told of its investors.
      const byInvestor = new Map<string, Allocation>();
      for (const allocation of state.allocations) {
        const seen = byInvestor.get(allocation.investor);
        byInvestor.set(allocation.investor, { ...allocation, quantity: (seen?.quantity ?? 0) + allocation.quantity });
      }
      return [
        recorded,
        ...[...byInvestor.values()].map((allocation): IssueEvent => ({
          type: 'gov.bond.holding.settled.v1',
          // The settlement's basis: a holding exists because that settlement did.
          data: {
            isin,
            bankId: allocation.bankId,
            investor: allocation.investor,
            quantity: allocation.quantity,
            basis: command.basis,
          },
        })),
      ];
    }
    case 'allocate': {
      if (state.status !== 'book-opened') throw wrongStep(isin, state.status, 'book-opened', 'allocation');
      // Settlement records one holding per investor, through one bank: a second bank would take the first one's.
      const bankOf = new Map<string, string>();
      for (const [i, { investor, bankId }] of command.allocations.entries()) {
        const first = bankOf.get(investor) ?? bankId;
        if (first !== bankId) throw otherBank(investor, isin, first, `allocations.${i}.bankId`);
        bankOf.set(investor, bankId);
      }
      const total = command.allocations.reduce((sum, allocation) => sum + allocation.quantity, 0);
      if (total > state.quantity) {
        throw new DomainError(
          BondErrorCode.OVER_ALLOCATED,
          `${total} bonds allocated, the issue has ${state.quantity}`,
          'allocations',
          'invalid',
        );
      }
      return [
        { type: 'gov.bond.issue.allocated.v1', data: { isin, allocations: command.allocations, basis: command.basis } },
      ];
    }
    case 'transfer': {
      if (state.status !== 'settled') throw wrongStep(isin, state.status, 'settled', 'a transfer');
      const held = state.holdings[command.from]?.quantity ?? 0;
      if (held < command.quantity) {
        throw new DomainError(
          BondErrorCode.INSUFFICIENT_HOLDING,
          `${command.from} holds ${held} of ${isin}, not ${command.quantity}`,
          'quantity',
          'invalid',
        );
      }
      // The receiver's holding stays with its bank: a transfer names that bank, never moves it elsewhere.
      const receiving = state.holdings[command.to];
      if (receiving && receiving.bankId !== command.toBankId) {
        throw otherBank(command.to, isin, receiving.bankId, 'toBankId');
      }
      const { from, to, toBankId, quantity, basis } = command;
      return [{ type: 'gov.bond.holding.transferred.v1', data: { isin, from, to, toBankId, quantity, basis } }];
    }
    case 'pay-coupon': {
      if (state.status !== 'settled') throw wrongStep(isin, state.status, 'settled', 'a coupon');
      if (state.coupons.includes(command.couponId)) {
        throw new DomainError(
          BondErrorCode.COUPON_EXISTS,
          `coupon ${command.couponId} of ${isin} is already paid`,
          'couponId',
        );
      }
      const { couponId, paidOn, ratePercent, basis } = command;
      return [{ type: 'gov.bond.coupon.paid.v1', data: { isin, couponId, paidOn, ratePercent, basis } }];
    }
  }
}

export const issueDecider: Decider<IssueCommand, IssueEvent, IssueState> = {
  initialState: initialIssueState,
  decide: decideIssue,
  evolve: evolveIssue,
};
