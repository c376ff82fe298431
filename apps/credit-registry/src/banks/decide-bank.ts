import { DomainError, assertNever, type Decider } from '@registry-bus/domain';

import { CreditErrorCode } from '../pledges/credit-errors.js';
import type { BankCommand, BankEvent } from './bank-events.js';

export interface Loan {
  loanId: string;
  kind: 'loan' | 'guarantee';
  borrower: string;
}

export type BankState =
  { status: 'unregistered' } | { status: 'registered'; bankId: string; name: string; loans: Loan[] };

export const initialBankState: BankState = { status: 'unregistered' };

export function evolveBank(state: BankState, event: BankEvent): BankState {
  switch (event.type) {
    case 'gov.credit.bank.registered.v1':
      return { status: 'registered', bankId: event.data.bankId, name: event.data.name, loans: [] };
    case 'gov.credit.loan.granted.v1':
      if (state.status !== 'registered') return state;
      return {
        ...state,
        loans: [...state.loans, { loanId: event.data.loanId, kind: event.data.kind, borrower: event.data.borrower }],
      };
    default:
      return assertNever(event, 'bank event');
  }
}

/** A bank is registered once; only a registered bank records loans, each loan id once. */
export function decideBank(command: BankCommand, state: BankState): BankEvent[] {
  switch (command.kind) {
    case 'register-bank': {
      if (state.status === 'registered') {
        throw new DomainError(CreditErrorCode.BANK_EXISTS, `${command.bankId} is already registered`, 'bankId');
      }
      const { bankId, name, licence, basis } = command;
      return [{ type: 'gov.credit.bank.registered.v1', data: { bankId, name, licence, basis } }];
    }
    case 'grant-loan': {
      if (state.status !== 'registered') {
        throw new DomainError(
          CreditErrorCode.BANK_NOT_FOUND,
          `${command.bankId} is not a registered lender`,
          'bankId',
          'not-found',
        );
      }
      if (state.loans.some((loan) => loan.loanId === command.loanId)) {
        throw new DomainError(
          CreditErrorCode.LOAN_EXISTS,
          `loan ${command.loanId} of ${command.bankId} already exists`,
          'loanId',
        );
      }
      const { bankId, loanId, loanKind: kind, borrower, amount, currency, basis } = command;
      return [
        { type: 'gov.credit.loan.granted.v1', data: { bankId, loanId, kind, borrower, amount, currency, basis } },
      ];
    }
    default:
      return assertNever(command, 'bank command');
  }
}

export const bankDecider: Decider<BankCommand, BankEvent, BankState> = {
  initialState: initialBankState,
  decide: decideBank,
  evolve: evolveBank,
};
