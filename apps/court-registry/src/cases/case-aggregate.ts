import type { Aggregate } from '@registry-bus/kit';

import type { CaseCommand, CaseEvent } from './case-events.js';
import { caseDecider, type CaseState } from './decide-case.js';

/** A court case with its hearings and judgments, keyed by case number. */
export const caseAggregate: Aggregate<CaseCommand, CaseEvent, CaseState> = {
  name: 'case',
  decider: caseDecider,
  eventTypes: [
    'gov.court.case.*',
    'gov.court.hearing.*',
    'gov.court.judgment.*',
    'gov.court.seizure.*',
    'gov.court.seizure-release.*',
    'gov.court.diploma-annulment.*',
    'gov.court.pledge-ban.*',
  ],
};
