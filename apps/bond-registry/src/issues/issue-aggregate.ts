import type { Aggregate } from '@registry-bus/kit';

import { issueDecider, type IssueState } from './decide-issue.js';
import type { IssueCommand, IssueEvent } from './issue-events.js';

/** A bond issue through its lifecycle, keyed by ISIN. */
export const issueAggregate: Aggregate<IssueCommand, IssueEvent, IssueState> = {
  name: 'issue',
  decider: issueDecider,
  eventTypes: ['gov.bond.issue.*', 'gov.bond.holding.*', 'gov.bond.coupon.*'],
};
