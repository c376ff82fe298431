import { courtEventTypes, diplomaEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

import { courtReactions } from './diplomas/court-reactions.js';

/**
 * The diploma register: accredited institutions and the diplomas they issue,
 * correct and revoke. It follows the court (annulments, carried out as
 * revocations citing the judgment) and the notary (anchors to witness).
 */
export const DIPLOMA_DEPARTMENT: DepartmentDefinition = {
  department: 'diploma',
  follows: ['court', 'notary'],
  eventTypes: [...diplomaEventTypes, ...courtEventTypes],
  reactions: courtReactions,
};
