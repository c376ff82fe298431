import { diplomaEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';

/**
 * The diploma register: accredited institutions and the diplomas they issue,
 * correct and revoke. It follows the notary (anchors to witness); the court's
 * annulments come with the court registry.
 */
export const DIPLOMA_DEPARTMENT: DepartmentDefinition = {
  department: 'diploma',
  follows: ['notary'],
  eventTypes: diplomaEventTypes,
};
