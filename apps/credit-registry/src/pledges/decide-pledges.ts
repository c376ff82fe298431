import { DomainError, assertNever, type Decider } from '@registry-bus/domain';

import { CreditErrorCode } from './credit-errors.js';
import {
  binding,
  evolvePledges,
  initialParcelPledges,
  type ParcelPledges,
  type Pledge,
  type PledgeStatus,
} from './parcel-pledges.js';
import type { PledgeCommand } from './pledge-commands.js';
import type { PledgeEvent } from './pledge-events.js';

function pledgeOf(state: ParcelPledges, pledgeId: string, cadastralNumber: string): Pledge {
  const pledge = state.pledges.find((p) => p.pledgeId === pledgeId);
  if (!pledge)
    throw new DomainError(
      CreditErrorCode.PLEDGE_NOT_FOUND,
      `no pledge ${pledgeId} on parcel ${cadastralNumber}`,
      'pledgeId',
      'not-found',
    );
  return pledge;
}

function expectStatus(pledge: Pledge, allowed: PledgeStatus[], action: string): void {
  if (!allowed.includes(pledge.status)) {
    throw new DomainError(
      CreditErrorCode.WRONG_PLEDGE_STATUS,
      `pledge ${pledge.pledgeId} is ${pledge.status}; it cannot be ${action}`,
      'pledgeId',
    );
  }
}

/**
 * decide(command, state) → events for the pledges of one parcel. A pledge is
 * a two-step saga: requested here, then active only when the land registry's
 * encumbrance entry arrives (or refused with the land registry's reason).
 * A second pledge to another bank needs the first pledgee's consent entry.
 */
export function decidePledges(command: PledgeCommand, state: ParcelPledges): PledgeEvent[] {
  switch (command.kind) {
    case 'request-pledge': {
      if (state.pledges.some((p) => p.pledgeId === command.pledgeId)) {
        throw new DomainError(CreditErrorCode.PLEDGE_EXISTS, `pledge ${command.pledgeId} already exists`, 'pledgeId');
      }
      if (state.pledgeBanned) {
        throw new DomainError(
          CreditErrorCode.PLEDGE_BANNED,
          `a court banned new pledges of parcel ${command.cadastralNumber}`,
          'cadastralNumber',
        );
      }
      const blocking = binding(state).filter(
        (p) =>
          p.bankId !== command.bankId &&
          !p.consents.some((c) => c.to === 'second-pledge' && c.counterparty === command.bankId),
      );
      if (blocking.length > 0) {
        throw new DomainError(
          CreditErrorCode.PARCEL_PLEDGED_ELSEWHERE,
          `parcel ${command.cadastralNumber} is pledged to ${blocking.map((p) => p.bankId).join(', ')}, who has not consented to a pledge to ${command.bankId}`,
          'cadastralNumber',
        );
      }
      const { pledgeId, cadastralNumber, bankId, loanId, pledgor, basis } = command;
      return [
        { type: 'gov.credit.pledge.requested.v1', data: { pledgeId, cadastralNumber, bankId, loanId, pledgor, basis } },
      ];
    }
    case 'record-land-encumbrance': {
      const pledge = pledgeOf(state, command.pledgeId, command.cadastralNumber);
      if (pledge.status === 'active') return []; // a replayed land entry: already recorded
      expectStatus(pledge, ['requested'], 'activated');
      return [
        {
          type: 'gov.credit.pledge.activated.v1',
          data: { pledgeId: command.pledgeId, cadastralNumber: command.cadastralNumber, cause: command.cause },
        },
      ];
    }
    case 'record-land-refusal': {
      const pledge = pledgeOf(state, command.pledgeId, command.cadastralNumber);
      if (pledge.status === 'refused') return [];
      expectStatus(pledge, ['requested'], 'refused');
      const { pledgeId, cadastralNumber, reason, cause } = command;
      return [{ type: 'gov.credit.pledge.refused.v1', data: { pledgeId, cadastralNumber, reason, cause } }];
    }
    case 'give-consent': {
      const pledge = pledgeOf(state, command.pledgeId, command.cadastralNumber);
      if (pledge.bankId !== command.bankId) {
        throw new DomainError(
          CreditErrorCode.NOT_PLEDGEE,
          `only ${pledge.bankId}, the pledgee, can consent for pledge ${pledge.pledgeId}`,
          'bankId',
        );
      }
      expectStatus(pledge, ['requested', 'active'], 'consented on');
      const { pledgeId, cadastralNumber, bankId, to, counterparty, basis } = command;
      return [
        {
          type: 'gov.credit.pledge.consent-given.v1',
          data: { pledgeId, cadastralNumber, bankId, to, counterparty, basis },
        },
      ];
    }
    case 'request-release': {
      const pledge = pledgeOf(state, command.pledgeId, command.cadastralNumber);
      if (pledge.bankId !== command.bankId) {
        throw new DomainError(
          CreditErrorCode.NOT_PLEDGEE,
          `only ${pledge.bankId} can release pledge ${pledge.pledgeId}`,
          'bankId',
        );
      }
      expectStatus(pledge, ['active'], 'released');
      return [
        {
          type: 'gov.credit.pledge.release-requested.v1',
          data: { pledgeId: command.pledgeId, cadastralNumber: command.cadastralNumber, basis: command.basis },
        },
      ];
    }
    case 'record-land-lift': {
      const pledge = pledgeOf(state, command.pledgeId, command.cadastralNumber);
      if (pledge.status === 'released') return [];
      // Only this registry's own release request ends a pledge: a land entry lifting a pledge its bank
      // never released (a land clerk's hand, a stolen land key) is refused, and the pledge stays.
      expectStatus(pledge, ['release-requested'], 'marked released by the land registry before its bank released it');
      return [
        {
          type: 'gov.credit.pledge.released.v1',
          data: { pledgeId: command.pledgeId, cadastralNumber: command.cadastralNumber, cause: command.cause },
        },
      ];
    }
    case 'record-land-transfer': {
      // A transfer of a pledged parcel (with consent) makes the new owner the pledgor of every binding pledge.
      const { cadastralNumber, from, to, cause } = command;
      return binding(state)
        .filter((p) => p.pledgor === from)
        .map((p) => ({
          type: 'gov.credit.pledge.pledgor-changed.v1' as const,
          data: { pledgeId: p.pledgeId, cadastralNumber, from, to, cause },
        }));
    }
    case 'record-pledge-ban':
      return state.pledgeBanned
        ? []
        : [
            {
              type: 'gov.credit.parcel.pledge-ban-recorded.v1',
              data: { cadastralNumber: command.cadastralNumber, cause: command.cause },
            },
          ];
    default:
      return assertNever(command, 'pledge command');
  }
}

export const pledgeDecider: Decider<PledgeCommand, PledgeEvent, ParcelPledges> = {
  initialState: initialParcelPledges,
  decide: decidePledges,
  evolve: evolvePledges,
};
