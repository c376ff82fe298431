import { creditEventTypes, landEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

import { creditReactions } from './parcels/credit-reactions.js';
import { landQueries } from './parcels/parcel-queries.js';

/**
 * The land register: parcels, owners, encumbrances. It follows the credit
 * registry (pledge requests, consents, releases) and is the only writer of
 * encumbrances on its parcels.
 */
export const LAND_DEPARTMENT: DepartmentDefinition = {
  department: 'land',
  follows: ['credit', 'notary'],
  eventTypes: [...landEventTypes, ...creditEventTypes],
  reactions: creditReactions,
  queries: landQueries,
};
