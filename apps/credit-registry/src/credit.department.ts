import { bondEventTypes, courtEventTypes, creditEventTypes, landEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

import { bondHoldingNoted } from './banks/bond-holdings.js';
import { creditMigrations } from './migrations/index.js';
import { courtPledgeBan, landReactions } from './pledges/land-reactions.js';
import { applicationAggregate } from './applications/application-aggregate.js';
import { bankAggregate } from './banks/bank-aggregate.js';
import { parcelPledgesAggregate } from './pledges/pledge-aggregate.js';

/**
 * The bank-creditor register: banks, loans, and pledges of land parcels as a
 * two-step saga with the land register, which it follows; credit
 * applications, the purpose under which a bank searches the shared creditor
 * register.
 */
export const CREDIT_DEPARTMENT: DepartmentDefinition = {
  department: 'credit',
  aggregates: [bankAggregate, parcelPledgesAggregate, applicationAggregate],
  follows: ['land', 'court', 'bond', 'notary'],
  eventTypes: [...creditEventTypes, ...landEventTypes, ...courtEventTypes, ...bondEventTypes],
  reactions: [...landReactions, courtPledgeBan, bondHoldingNoted],
  migrations: creditMigrations,
  // A bank's clerk sees its bank's entries: those naming it, and a pledge's later entries through its request.
  scope: { ownerField: 'bankId', via: [{ field: 'pledgeId', createdBy: 'gov.credit.pledge.requested.v1' }] },
};
