import { DomainError, type Decider } from '@registry-bus/domain';
import type { Aggregate } from '@registry-bus/kit';

import { BondErrorCode } from '../bond-errors.js';
import type { IssueEvent, IssuerCommand } from './issue-events.js';

type IssuerRegistered = Extract<IssueEvent, { type: 'gov.bond.issuer.registered.v1' }>;
export type IssuerState = { status: 'unregistered' } | { status: 'registered'; issuerId: string; name: string };

/** An issuer is registered once; only registered issuers register issues. */
export const issuerDecider: Decider<IssuerCommand, IssuerRegistered, IssuerState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    if (state.status === 'registered') {
      throw new DomainError(BondErrorCode.ISSUER_EXISTS, `${command.issuerId} is already registered`, 'issuerId');
    }
    const { issuerId, name, basis } = command;
    return [{ type: 'gov.bond.issuer.registered.v1', data: { issuerId, name, basis } }];
  },
  evolve: (_state, event) => ({ status: 'registered', issuerId: event.data.issuerId, name: event.data.name }),
};

export const issuerAggregate: Aggregate<IssuerCommand, IssuerRegistered, IssuerState> = {
  name: 'issuer',
  eventTypes: ['gov.bond.issuer.*'],
  decider: issuerDecider,
};
