import { DomainError, assertNever, type Decider } from '@registry-bus/domain';

import { DiplomaErrorCode } from '../diploma-errors.js';
import type { DiplomaCommand, DiplomaContent, DiplomaEvent } from './diploma-events.js';

export type DiplomaState =
  | { status: 'none' }
  | (DiplomaContent & {
      status: 'valid' | 'revoked';
      diplomaNumber: string;
      institutionId: string;
      holder: string;
      revocation?: { reason: string; byJudgment: boolean };
    });

export const initialDiplomaState: DiplomaState = { status: 'none' };

const CONTENT_FIELDS = ['programme', 'degree', 'awardedOn', 'holderName'] as const;

export function evolveDiploma(state: DiplomaState, event: DiplomaEvent): DiplomaState {
  switch (event.type) {
    case 'gov.diploma.diploma.issued.v1': {
      const { diplomaNumber, institutionId, holder, holderName, programme, degree, awardedOn } = event.data;
      return { status: 'valid', diplomaNumber, institutionId, holder, holderName, programme, degree, awardedOn };
    }
    case 'gov.diploma.diploma.corrected.v1': {
      if (state.status === 'none') return state;
      const changes = Object.fromEntries(
        CONTENT_FIELDS.filter((field) => event.data[field] !== undefined).map((field) => [field, event.data[field]]),
      );
      return { ...state, ...changes };
    }
    case 'gov.diploma.diploma.revoked.v1':
      if (state.status === 'none') return state;
      return {
        ...state,
        status: 'revoked',
        revocation: { reason: event.data.reason, byJudgment: event.data.cause !== undefined },
      };
    default:
      return assertNever(event, 'diploma event');
  }
}

const notFound = (what: string) =>
  new DomainError(DiplomaErrorCode.DIPLOMA_NOT_FOUND, `there is no diploma ${what}`, 'diplomaNumber', 'not-found');

/**
 * A diploma number is issued once, by a registered institution, never with a
 * date in the future (nor corrected to one). Only a standing diploma is
 * corrected (and only with a real change) or revoked; a revoked one stays
 * revoked — a mistake is undone by a new issue under a new number, never by
 * editing history.
 */
export function decideDiploma(command: DiplomaCommand, state: DiplomaState): DiplomaEvent[] {
  switch (command.kind) {
    case 'issue': {
      if (state.status !== 'none') {
        throw new DomainError(
          DiplomaErrorCode.DIPLOMA_EXISTS,
          `diploma ${command.diplomaNumber} was already issued`,
          'diplomaNumber',
        );
      }
      if (!command.institutionRegistered) {
        throw new DomainError(
          DiplomaErrorCode.INSTITUTION_NOT_FOUND,
          `${command.institutionId} is not a registered institution`,
          'institutionId',
          'not-found',
        );
      }
      if (command.awardedOn > command.today) {
        throw new DomainError(
          DiplomaErrorCode.AWARDED_IN_FUTURE,
          `a diploma cannot be awarded on ${command.awardedOn}, after today (${command.today})`,
          'awardedOn',
          'invalid',
        );
      }
      const { diplomaNumber, institutionId, holder, holderName, programme, degree, awardedOn, basis } = command;
      return [
        {
          type: 'gov.diploma.diploma.issued.v1',
          data: { diplomaNumber, institutionId, holder, holderName, programme, degree, awardedOn, basis },
        },
      ];
    }
    case 'correct': {
      if (state.status === 'none') throw notFound('to correct');
      if (state.status === 'revoked') {
        throw new DomainError(
          DiplomaErrorCode.DIPLOMA_REVOKED,
          `diploma ${state.diplomaNumber} is revoked and cannot be corrected`,
          'diplomaNumber',
        );
      }
      const changes = CONTENT_FIELDS.filter(
        (field) => command.corrections[field] !== undefined && command.corrections[field] !== state[field],
      );
      if (changes.length === 0) {
        throw new DomainError(
          DiplomaErrorCode.NOTHING_TO_CORRECT,
          `the correction changes nothing of diploma ${state.diplomaNumber}`,
          'corrections',
          'invalid',
        );
      }
      const awardedOn = command.corrections.awardedOn;
      if (awardedOn !== undefined && awardedOn > command.today) {
        throw new DomainError(
          DiplomaErrorCode.AWARDED_IN_FUTURE,
          `a diploma cannot be corrected to an award on ${awardedOn}, after today (${command.today})`,
          'corrections.awardedOn',
          'invalid',
        );
      }
      const corrected = Object.fromEntries(changes.map((field) => [field, command.corrections[field]]));
      return [
        {
          type: 'gov.diploma.diploma.corrected.v1',
          data: { diplomaNumber: state.diplomaNumber, ...corrected, reason: command.reason, basis: command.basis },
        },
      ];
    }
    case 'revoke': {
      if (state.status === 'none') throw notFound('to revoke');
      if (state.status === 'revoked') {
        throw new DomainError(
          DiplomaErrorCode.DIPLOMA_REVOKED,
          `diploma ${state.diplomaNumber} is already revoked`,
          'diplomaNumber',
        );
      }
      const { reason, basis, cause } = command;
      return [
        {
          type: 'gov.diploma.diploma.revoked.v1',
          data: { diplomaNumber: state.diplomaNumber, reason, basis, ...(cause ? { cause } : {}) },
        },
      ];
    }
    default:
      return assertNever(command, 'diploma command');
  }
}

export const diplomaDecider: Decider<DiplomaCommand, DiplomaEvent, DiplomaState> = {
  initialState: initialDiplomaState,
  decide: decideDiploma,
  evolve: evolveDiploma,
};
