import { bondEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';
import { issueAggregate } from './issues/issue-aggregate.js';
import { issuerAggregate } from './issues/issuer-aggregate.js';

/**
 * The bond register: issuers, issues through registration → approval → book
 * → allocation → settlement, then holdings, transfers, coupons, redemption.
 * At settlement each bank's holdings for its investors are entries the credit
 * registry reads where the bond registry granted them.
 */
export const BOND_DEPARTMENT: DepartmentDefinition = {
  department: 'bond',
  aggregates: [issuerAggregate, issueAggregate],
  follows: ['notary'],
  eventTypes: bondEventTypes,
};
