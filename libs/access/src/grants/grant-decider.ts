import { DomainError, assertNever, type Decider } from '@registry-bus/domain';
import type { GrantIssuedData } from './grant.js';

export const AccessErrorCode = {
  GRANT_EXISTS: 'ACCESS.GRANT_EXISTS',
  GRANT_NOT_FOUND: 'ACCESS.GRANT_NOT_FOUND',
  GRANT_REVOKED: 'ACCESS.GRANT_REVOKED',
  SELF_GRANT: 'ACCESS.SELF_GRANT',
  NOT_OWN_DATA: 'ACCESS.NOT_OWN_DATA',
  BAD_VALIDITY: 'ACCESS.BAD_VALIDITY',
  NO_BASIS: 'ACCESS.NO_BASIS',
} as const;

export type GrantCommand =
  | ({ kind: 'issue-grant'; owner: string } & GrantIssuedData)
  | { kind: 'revoke-grant'; owner: string; grantId: string; reason: string };

export type GrantEvent = { type: string; data: Record<string, unknown> };

export type GrantState =
  { status: 'none' } | { status: 'active' | 'revoked'; grant: GrantIssuedData; revokedReason?: string };

/** A department grants only its own data, to another department, for a real window of time. */
export function decideGrant(command: GrantCommand, state: GrantState): GrantEvent[] {
  switch (command.kind) {
    case 'issue-grant': {
      const { kind: _kind, owner, ...grant } = command;
      if (state.status !== 'none') {
        throw new DomainError(AccessErrorCode.GRANT_EXISTS, `grant ${grant.grantId} already exists`, 'grantId');
      }
      // Handing another department personal data needs a law or an agreement to point to, like any command.
      if (!grant.basis) {
        throw new DomainError(
          AccessErrorCode.NO_BASIS,
          'a grant needs its legal basis: the statute or data-sharing agreement it rests on',
          'basis',
          'invalid',
        );
      }
      if (grant.grantee === owner) {
        throw new DomainError(
          AccessErrorCode.SELF_GRANT,
          `${owner} needs no grant to read its own data`,
          'grantee',
          'invalid',
        );
      }
      const foreign = grant.eventTypes.findIndex((pattern) => !pattern.startsWith(`gov.${owner}.`));
      if (foreign >= 0) {
        throw new DomainError(
          AccessErrorCode.NOT_OWN_DATA,
          `${owner} can grant only its own event types (gov.${owner}.…), not '${grant.eventTypes[foreign]}'`,
          `eventTypes.${foreign}`,
          'invalid',
        );
      }
      if (grant.validUntil !== undefined && Date.parse(grant.validUntil) <= Date.parse(grant.validFrom)) {
        throw new DomainError(
          AccessErrorCode.BAD_VALIDITY,
          'validUntil must be after validFrom',
          'validUntil',
          'invalid',
        );
      }
      return [{ type: `gov.${owner}.access.grant-issued.v1`, data: { ...grant } }];
    }
    case 'revoke-grant': {
      if (state.status === 'none') {
        throw new DomainError(
          AccessErrorCode.GRANT_NOT_FOUND,
          `there is no grant ${command.grantId}`,
          'grantId',
          'not-found',
        );
      }
      if (state.status === 'revoked') {
        throw new DomainError(AccessErrorCode.GRANT_REVOKED, `grant ${command.grantId} is already revoked`, 'grantId');
      }
      return [
        {
          type: `gov.${command.owner}.access.grant-revoked.v1`,
          data: { grantId: command.grantId, reason: command.reason },
        },
      ];
    }
    default:
      return assertNever(command, 'grant command');
  }
}

export function evolveGrant(state: GrantState, event: GrantEvent): GrantState {
  if (event.type.endsWith('.access.grant-issued.v1')) {
    return { status: 'active', grant: event.data as unknown as GrantIssuedData };
  }
  if (event.type.endsWith('.access.grant-revoked.v1') && state.status !== 'none') {
    return { ...state, status: 'revoked', revokedReason: String(event.data.reason) };
  }
  return state;
}

export const grantDecider: Decider<GrantCommand, GrantEvent, GrantState> = {
  initialState: { status: 'none' },
  decide: decideGrant,
  evolve: evolveGrant,
};
