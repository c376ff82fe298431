import { specFor } from '@registry-bus/domain';

import { CreditErrorCode } from '../pledges/credit-errors.js';
import type { BankEvent } from './bank-events.js';
import { bankDecider } from './decide-bank.js';

const given = specFor(bankDecider);
const licence = { documentType: 'administrative-act' as const, reference: 'NBG-7' };
const agreement = { documentType: 'loan-agreement' as const, reference: 'LA-1' };
const registered: BankEvent = {
  type: 'gov.credit.bank.registered.v1',
  data: { bankId: 'bank:alpha', name: 'Alpha Bank', licence: 'NBG-7', basis: licence },
};
const grant = {
  kind: 'grant-loan' as const,
  bankId: 'bank:alpha',
  loanId: 'L-1',
  loanKind: 'loan' as const,
  borrower: 'person:1',
  amount: '1000.00',
  currency: 'GEL',
  basis: agreement,
};

describe('credit register: a bank and its loans', () => {
  it('registers a bank once', () => {
    given([])
      .when({ kind: 'register-bank', bankId: 'bank:alpha', name: 'Alpha Bank', licence: 'NBG-7', basis: licence })
      .then([registered]);
    given([registered])
      .when({ kind: 'register-bank', bankId: 'bank:alpha', name: 'Alpha Bank', licence: 'NBG-7', basis: licence })
      .thenRefuses(CreditErrorCode.BANK_EXISTS, 'bankId');
  });

  it('records a loan of a registered bank, each loan id once', () => {
    const granted: BankEvent = {
      type: 'gov.credit.loan.granted.v1',
      data: {
        bankId: 'bank:alpha',
        loanId: 'L-1',
        kind: 'loan',
        borrower: 'person:1',
        amount: '1000.00',
        currency: 'GEL',
        basis: agreement,
      },
    };
    given([registered]).when(grant).then([granted]);
    given([registered, granted]).when(grant).thenRefuses(CreditErrorCode.LOAN_EXISTS, 'loanId');
  });

  it('refuses a loan of a bank that is not a registered lender', () => {
    given([]).when(grant).thenRefuses(CreditErrorCode.BANK_NOT_FOUND, 'bankId');
  });
});
