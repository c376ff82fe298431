import { DomainError, assertNever, type Decider } from '@registry-bus/domain';

import { CreditErrorCode } from '../pledges/credit-errors.js';
import type { ApplicationCommand, ApplicationEvent, ApplicationOutcome } from './application-events.js';

export type ApplicationState =
  | { status: 'none' }
  | {
      status: 'open' | 'closed';
      applicationId: string;
      bankId: string;
      borrower: string;
      assets: string[];
      openedAt: string;
      closedAt: string | null;
      outcome: ApplicationOutcome | null;
    };

export const initialApplicationState: ApplicationState = { status: 'none' };

export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  switch (event.type) {
    case 'gov.credit.application.opened.v1': {
      const { applicationId, bankId, borrower, assets, openedAt } = event.data;
      return { status: 'open', applicationId, bankId, borrower, assets, openedAt, closedAt: null, outcome: null };
    }
    case 'gov.credit.application.closed.v1':
      if (state.status === 'none') return state;
      return { ...state, status: 'closed', closedAt: event.data.closedAt, outcome: event.data.outcome };
    default:
      return assertNever(event, 'application event');
  }
}

/**
 * An application is opened once, by its own bank, and closed once by the
 * same bank; a closed one stays closed (a new application is a new id), so
 * a purpose cannot be revived after the fact.
 */
export function decideApplication(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
  switch (command.kind) {
    case 'open-application': {
      if (state.status !== 'none') {
        throw new DomainError(
          CreditErrorCode.APPLICATION_EXISTS,
          `application ${command.applicationId} of ${command.bankId} already exists`,
          'applicationId',
        );
      }
      const { applicationId, bankId, borrower, assets, openedAt, basis } = command;
      return [
        {
          type: 'gov.credit.application.opened.v1',
          data: { applicationId, bankId, borrower, assets, openedAt, basis },
        },
      ];
    }
    case 'close-application': {
      if (state.status === 'none') {
        throw new DomainError(
          CreditErrorCode.APPLICATION_NOT_FOUND,
          `${command.bankId} has no application ${command.applicationId}`,
          'applicationId',
          'not-found',
        );
      }
      // Keyed by bank, so this holds by construction; the decider says it anyway, whatever path a command came by.
      if (state.bankId !== command.bankId) {
        throw new DomainError(
          CreditErrorCode.NOT_YOUR_BANK,
          `only ${state.bankId} can close application ${state.applicationId}`,
          'bankId',
          'forbidden',
        );
      }
      if (state.status === 'closed') {
        throw new DomainError(
          CreditErrorCode.APPLICATION_CLOSED,
          `application ${command.applicationId} was closed (${state.outcome}) at ${state.closedAt}`,
          'applicationId',
        );
      }
      const { applicationId, bankId, outcome, closedAt, basis } = command;
      return [{ type: 'gov.credit.application.closed.v1', data: { applicationId, bankId, outcome, closedAt, basis } }];
    }
    default:
      return assertNever(command, 'application command');
  }
}

export const applicationDecider: Decider<ApplicationCommand, ApplicationEvent, ApplicationState> = {
  initialState: initialApplicationState,
  decide: decideApplication,
  evolve: evolveApplication,
};
