import { courtEventTypes, diplomaEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

import { courtReactions } from './diplomas/court-reactions.js';
import { diplomaAggregate } from './diplomas/diploma-aggregate.js';
import { institutionAggregate } from './institutions/institution-aggregate.js';

/**
 * The diploma register: accredited institutions and the diplomas they issue,
 * correct and revoke. It follows the court (annulments, carried out as
 * revocations citing the judgment) and the notary (anchors to witness).
 */
export const DIPLOMA_DEPARTMENT: DepartmentDefinition = {
  department: 'diploma',
  aggregates: [institutionAggregate, diplomaAggregate],
  follows: ['court', 'notary'],
  eventTypes: [...diplomaEventTypes, ...courtEventTypes],
  reactions: courtReactions,
  // An institution's registrar sees its own entries: those naming it, and a diploma's later ones through its issue.
  scope: {
    ownerField: 'institutionId',
    via: [{ field: 'diplomaNumber', createdBy: 'gov.diploma.diploma.issued.v1' }],
  },
};
