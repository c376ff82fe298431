import { courtEventTypes, creditEventTypes, landEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

import { courtReactions } from './parcels/court-reactions.js';
import { creditReactions } from './parcels/credit-reactions.js';
import { landQueries } from './parcels/parcel-queries.js';
import { parcelAggregate } from './parcels/parcel-aggregate.js';

/**
 * The land register: parcels, owners, encumbrances. It follows the credit
 * registry (pledge requests, consents, releases) and the court (seizures and
 * their release), and is the only writer of encumbrances on its parcels.
 */
export const LAND_DEPARTMENT: DepartmentDefinition = {
  department: 'land',
  aggregates: [parcelAggregate],
  follows: ['credit', 'court', 'notary'],
  eventTypes: [...landEventTypes, ...creditEventTypes, ...courtEventTypes],
  reactions: [...creditReactions, ...courtReactions],
  queries: landQueries,
};
