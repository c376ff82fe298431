import {
  DomainError,
  assertNever,
  compareFractions,
  formatFraction,
  parseFraction,
  type Decider,
} from '@registry-bus/domain';

import { LandErrorCode } from './land-errors.js';
import type { ParcelCommand } from './parcel-commands.js';
import type { Ownership, ParcelEvent } from './parcel-events.js';
import { evolveParcel, initialParcelState, recordedByOf, type ParcelState } from './parcel-state.js';
import { isWhole, shareOf, totalShares } from './shares.js';

const AREA = /^(0|[1-9][0-9]{0,12})\.[0-9]{2}$/;

function registered(state: ParcelState, cadastralNumber: string): Extract<ParcelState, { status: 'registered' }> {
  if (state.status !== 'registered') {
    throw new DomainError(
      LandErrorCode.PARCEL_NOT_FOUND,
      `parcel ${cadastralNumber} is not in the register`,
      'cadastralNumber',
      'not-found',
    );
  }
  return state;
}

function checkShares(owners: Ownership[], field: string): void {
  for (const [i, owner] of owners.entries()) {
    const share = parseFraction(owner.share);
    if (!share || share.numerator === 0n || compareFractions(share, { numerator: 1n, denominator: 1n }) > 0) {
      throw new DomainError(
        LandErrorCode.BAD_SHARE,
        `share '${owner.share}' is not a fraction between 0 and 1 such as "1/2"`,
        `${field}[${i}].share`,
        'invalid',
      );
    }
  }
}

type Registered = Extract<ParcelState, { status: 'registered' }>;

/**
 * Pledges whose holder has not recorded a consent of this kind for each of the `counterparties` (other
 * than itself): a consent to a sale to one buyer opens no share for another buyer beside it.
 */
function unconsentedPledges(parcel: Registered, to: 'second-pledge' | 'transfer', counterparties: string[]) {
  return parcel.encumbrances.filter(
    (e) =>
      e.kind === 'pledge' &&
      counterparties.some(
        (party) => party !== e.holder && !e.consents.some((c) => c.to === to && c.counterparty === party),
      ),
  );
}

function addEncumbrance(
  parcel: Registered,
  command: { cadastralNumber: string; encumbranceId: string; holder: string },
  kind: 'pledge' | 'seizure' | 'easement',
): void {
  if (parcel.encumbrances.some((e) => e.encumbranceId === command.encumbranceId)) {
    throw new DomainError(
      LandErrorCode.ENCUMBRANCE_EXISTS,
      `encumbrance ${command.encumbranceId} is already on parcel ${command.cadastralNumber}`,
      'encumbranceId',
    );
  }
  if (kind !== 'pledge') return;
  const seizure = parcel.encumbrances.find((e) => e.kind === 'seizure');
  if (seizure) {
    throw new DomainError(
      LandErrorCode.PARCEL_SEIZED,
      `parcel ${command.cadastralNumber} is seized (${seizure.basis.documentType} ${seizure.basis.reference}); it cannot be pledged`,
      'cadastralNumber',
    );
  }
  const blocking = unconsentedPledges(parcel, 'second-pledge', [command.holder]);
  if (blocking.length > 0) {
    throw new DomainError(
      LandErrorCode.PARCEL_PLEDGED,
      `parcel ${command.cadastralNumber} is already pledged to ${blocking.map((e) => e.holder).join(', ')}, who did not consent to a pledge to ${command.holder}`,
      'cadastralNumber',
    );
  }
}

/**
 * decide(command, state) → events for one parcel. The land registry is the
 * only writer of encumbrances on its parcels, and every command about one
 * parcel is decided against the state its predecessors left, so a sale and a
 * pledge of the same parcel cannot both slip through.
 */
export function decideParcel(command: ParcelCommand, state: ParcelState): ParcelEvent[] {
  switch (command.kind) {
    case 'register-parcel': {
      if (state.status === 'registered') {
        throw new DomainError(
          LandErrorCode.PARCEL_ALREADY_REGISTERED,
          `parcel ${command.cadastralNumber} is already registered`,
          'cadastralNumber',
        );
      }
      if (!AREA.test(command.areaSquareMetres) || /^0\.00$/.test(command.areaSquareMetres)) {
        throw new DomainError(
          LandErrorCode.BAD_AREA,
          'area must be a positive decimal with two places, e.g. "1200.50"',
          'areaSquareMetres',
          'invalid',
        );
      }
      checkShares(command.owners, 'owners');
      const total = totalShares(command.owners);
      if (!total || !isWhole(total)) {
        throw new DomainError(
          LandErrorCode.SHARES_NOT_WHOLE,
          "the owners' shares must add up to exactly 1",
          'owners',
          'invalid',
        );
      }
      const { cadastralNumber, areaSquareMetres, location, landUse, owners, basis } = command;
      return [
        {
          type: 'gov.land.parcel.registered.v1',
          data: { cadastralNumber, areaSquareMetres, location, landUse, owners, basis },
        },
      ];
    }
    case 'transfer-ownership': {
      const parcel = registered(state, command.cadastralNumber);
      const seizure = parcel.encumbrances.find((e) => e.kind === 'seizure');
      if (seizure) {
        throw new DomainError(
          LandErrorCode.PARCEL_SEIZED,
          `parcel ${command.cadastralNumber} is seized (${seizure.basis.documentType} ${seizure.basis.reference}); it cannot change hands until the seizure is lifted`,
          'cadastralNumber',
        );
      }
      const receivers = command.to.map((o) => o.ownerId);
      const blocking = unconsentedPledges(parcel, 'transfer', receivers);
      if (blocking.length > 0) {
        throw new DomainError(
          LandErrorCode.PARCEL_PLEDGED,
          `parcel ${command.cadastralNumber} is pledged to ${blocking.map((e) => e.holder).join(', ')}, who has not consented to a transfer to ${receivers.join(', ')}`,
          'cadastralNumber',
        );
      }
      const held = shareOf(parcel.owners, command.from);
      if (held.numerator === 0n) {
        throw new DomainError(
          LandErrorCode.NOT_AN_OWNER,
          `${command.from} does not own parcel ${command.cadastralNumber}`,
          'from',
          'invalid',
        );
      }
      const share = parseFraction(command.share);
      if (!share || share.numerator === 0n)
        throw new DomainError(
          LandErrorCode.BAD_SHARE,
          `share '${command.share}' is not a fraction such as "1/2"`,
          'share',
          'invalid',
        );
      if (compareFractions(share, held) > 0) {
        throw new DomainError(
          LandErrorCode.SHARE_EXCEEDS_HOLDING,
          `${command.from} holds ${formatFraction(held)} of parcel ${command.cadastralNumber}, less than the ${command.share} to transfer`,
          'share',
          'invalid',
        );
      }
      checkShares(command.to, 'to');
      const given = totalShares(command.to);
      if (!given || compareFractions(given, share) !== 0) {
        throw new DomainError(
          LandErrorCode.SHARES_NOT_WHOLE,
          `the receivers' shares must add up to the transferred share ${command.share}`,
          'to',
          'invalid',
        );
      }
      const { cadastralNumber, from, to, basis } = command;
      const consentedBy = parcel.encumbrances.filter((e) => e.kind === 'pledge').map((e) => e.holder);
      return [
        {
          type: 'gov.land.parcel.transferred.v1',
          data: { cadastralNumber, from, to, share: command.share, basis, consentedBy },
        },
      ];
    }
    case 'add-encumbrance': {
      const parcel = registered(state, command.cadastralNumber);
      if (command.encumbranceKind !== 'easement') {
        // A clerk claiming a court's or a bank's authority: those arrive as the other party's signed entries.
        throw new DomainError(
          LandErrorCode.ENCUMBRANCE_NEEDS_ORDER,
          command.encumbranceKind === 'seizure'
            ? `a seizure is recorded only on a court's seizure order (gov.court.seizure.ordered.v1), not by a land clerk`
            : `a pledge is recorded only on the credit registry's pledge request (gov.credit.pledge.requested.v1), not by a land clerk`,
          'kind',
          'forbidden',
        );
      }
      addEncumbrance(parcel, command, command.encumbranceKind);
      const { cadastralNumber, encumbranceId, encumbranceKind: kind, holder, basis, cause } = command;
      return [
        {
          type: 'gov.land.encumbrance.added.v1',
          data: { cadastralNumber, encumbranceId, kind, holder, basis, ...(cause ? { cause } : {}) },
        },
      ];
    }
    case 'decide-pledge-request':
    case 'decide-court-seizure': {
      const { cadastralNumber, encumbranceId, holder, basis, cause } = command;
      const kind = command.kind === 'decide-pledge-request' ? 'pledge' : 'seizure';
      try {
        const parcel = registered(state, cadastralNumber);
        if (command.kind === 'decide-pledge-request' && shareOf(parcel.owners, command.pledgor).numerator === 0n) {
          throw new DomainError(
            LandErrorCode.NOT_AN_OWNER,
            `${command.pledgor} does not own parcel ${cadastralNumber} and cannot pledge it`,
            'pledgor',
            'invalid',
          );
        }
        addEncumbrance(parcel, command, kind);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // The refusal is an entry too: the asking department learns why, and the trail shows it.
        return [
          {
            type: 'gov.land.encumbrance.refused.v1',
            data: { cadastralNumber, encumbranceId, kind, holder, code: error.code, reason: error.message, cause },
          },
        ];
      }
      return [
        {
          type: 'gov.land.encumbrance.added.v1',
          data: { cadastralNumber, encumbranceId, kind, holder, basis, cause },
        },
      ];
    }
    case 'record-consent': {
      const parcel = registered(state, command.cadastralNumber);
      const pledge = parcel.encumbrances.find((e) => e.encumbranceId === command.encumbranceId && e.kind === 'pledge');
      if (!pledge) return []; // consent to a pledge the land register never recorded (refused, or released): nothing to do
      // A consent waives the pledgee's rights, so only the pledge's creator gives it: the credit registry's
      // consent does not bind a pledge a land clerk recorded by hand (as clerks could before #27).
      const consenter = recordedByOf(command.cause);
      if (pledge.recordedBy !== consenter) {
        throw new DomainError(
          LandErrorCode.NOT_THE_CREATOR,
          `pledge ${pledge.encumbranceId} on parcel ${command.cadastralNumber} was recorded on ${describe(pledge.recordedBy)}; a consent on ${describe(consenter)} does not bind it`,
          'encumbranceId',
          'forbidden',
        );
      }
      if (pledge.consents.some((c) => c.to === command.to && c.counterparty === command.counterparty)) return [];
      const { cadastralNumber, encumbranceId, to, counterparty, cause } = command;
      return [
        {
          type: 'gov.land.encumbrance.consent-recorded.v1',
          data: { cadastralNumber, encumbranceId, to, counterparty, cause },
        },
      ];
    }
    case 'lift-encumbrance': {
      const parcel = registered(state, command.cadastralNumber);
      const encumbrance = parcel.encumbrances.find((e) => e.encumbranceId === command.encumbranceId);
      if (!encumbrance) {
        throw new DomainError(
          LandErrorCode.ENCUMBRANCE_NOT_FOUND,
          `parcel ${command.cadastralNumber} has no active encumbrance ${command.encumbranceId}`,
          'encumbranceId',
          'not-found',
        );
      }
      // Undoing is the creator's: a bank's pledge by the credit registry's release, a court's seizure by
      // the court's release order, a clerk's easement by a clerk — never one party's act by another.
      const lifter = recordedByOf(command.cause);
      if (encumbrance.recordedBy !== lifter) {
        throw new DomainError(
          LandErrorCode.NOT_THE_CREATOR,
          `${encumbrance.kind} ${encumbrance.encumbranceId} on parcel ${command.cadastralNumber} was recorded on ${describe(encumbrance.recordedBy)}; only ${encumbrance.recordedBy === 'land' ? 'a land clerk' : `the ${encumbrance.recordedBy} registry`} may lift it, not ${describe(lifter)}`,
          'encumbranceId',
          'forbidden',
        );
      }
      // A release order lifts its own case's seizure: another case's judgment of the same id is another seizure.
      // (A seizure recorded before the holder named its case, `court:<judgment>`, cannot be told apart.)
      const seizedIn = seizingCase(encumbrance.holder);
      if (command.fromCase !== undefined && seizedIn !== undefined && seizedIn !== command.fromCase) {
        throw new DomainError(
          LandErrorCode.NOT_THE_CREATOR,
          `seizure ${encumbrance.encumbranceId} on parcel ${command.cadastralNumber} was ordered in case ${seizedIn}; a release order of case ${command.fromCase} cannot lift it`,
          'encumbranceId',
          'forbidden',
        );
      }
      const { cadastralNumber, encumbranceId, basis, cause } = command;
      return [
        {
          type: 'gov.land.encumbrance.lifted.v1',
          data: { cadastralNumber, encumbranceId, basis, ...(cause ? { cause } : {}) },
        },
      ];
    }
    default:
      return assertNever(command, 'parcel command');
  }
}

/** The case of a seizure recorded as `court:<case>/<judgment>`; undefined for any other holder. */
function seizingCase(holder: string): string | undefined {
  const match = /^court:(.+)\/[^/]+$/.exec(holder);
  return match?.[1];
}

function describe(department: string): string {
  return department === 'land' ? "a land clerk's command" : `the ${department} registry's entry`;
}

export const parcelDecider: Decider<ParcelCommand, ParcelEvent, ParcelState> = {
  initialState: initialParcelState,
  decide: decideParcel,
  evolve: evolveParcel,
};
