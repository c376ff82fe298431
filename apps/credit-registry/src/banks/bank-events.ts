import type { LegalBasis } from '@registry-bus/domain';

export type BankEvent =
  | {
      type: 'gov.credit.bank.registered.v1';
      data: { bankId: string; name: string; licence: string; basis: LegalBasis };
    }
  | {
      type: 'gov.credit.loan.granted.v1';
      data: {
        bankId: string;
        loanId: string;
        kind: 'loan' | 'guarantee';
        borrower: string;
        amount: string;
        currency: string;
        basis: LegalBasis;
      };
    };

export type BankCommand =
  | { kind: 'register-bank'; bankId: string; name: string; licence: string; basis: LegalBasis }
  | {
      kind: 'grant-loan';
      bankId: string;
      loanId: string;
      loanKind: 'loan' | 'guarantee';
      borrower: string;
      amount: string;
      currency: string;
      basis: LegalBasis;
    };
