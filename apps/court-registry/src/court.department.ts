import { courtEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';
import { caseAggregate } from './cases/case-aggregate.js';

/**
 * The court register: cases, hearings and final judgments. Its orders are
 * entries of their own types, which the land, diploma and credit registers
 * carry out (each citing the order) once the court grants them.
 */
export const COURT_DEPARTMENT: DepartmentDefinition = {
  department: 'court',
  aggregates: [caseAggregate],
  follows: ['notary'],
  eventTypes: courtEventTypes,
};
