import type { Aggregate } from '@registry-bus/kit';

import { diplomaDecider, type DiplomaState } from './decide-diploma.js';
import type { DiplomaCommand, DiplomaEvent } from './diploma-events.js';

/** A diploma, keyed by its number. */
export const diplomaAggregate: Aggregate<DiplomaCommand, DiplomaEvent, DiplomaState> = {
  name: 'diploma',
  eventTypes: ['gov.diploma.diploma.*'],
  decider: diplomaDecider,
};
