import type { Aggregate } from '@registry-bus/kit';

import type { BankCommand, BankEvent } from './bank-events.js';
import { bankDecider, type BankState } from './decide-bank.js';

/** A bank and its loans, keyed by bank id. */
export const bankAggregate: Aggregate<BankCommand, BankEvent, BankState> = {
  name: 'bank',
  decider: bankDecider,
  eventTypes: ['gov.credit.bank.*', 'gov.credit.loan.*'],
};
