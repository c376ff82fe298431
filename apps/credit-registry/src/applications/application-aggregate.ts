import type { Aggregate } from '@registry-bus/kit';

import type { ApplicationCommand, ApplicationEvent } from './application-events.js';
import { applicationDecider, type ApplicationState } from './decide-application.js';

/**
 * A credit application, keyed by its bank and its id (`bank:beta/APP-1`):
 * each bank names its own applications, and a purpose given in a search is
 * looked up under the searching bank alone, so another bank's id finds nothing.
 */
export const applicationAggregate: Aggregate<ApplicationCommand, ApplicationEvent, ApplicationState> = {
  name: 'credit-application',
  decider: applicationDecider,
  eventTypes: ['gov.credit.application.*'],
};

export const applicationSubject = (bankId: string, applicationId: string) => `${bankId}/${applicationId}`;
