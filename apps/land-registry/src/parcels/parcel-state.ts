import { assertNever } from '@registry-bus/domain';
import { departmentOfChain } from '@registry-bus/protocol';

import type { ConsentTo, EncumbranceKind, LegalBasis, Ownership, ParcelEvent } from './parcel-events.js';
import { mergeOwnership } from './shares.js';

export interface Encumbrance {
  encumbranceId: string;
  kind: EncumbranceKind;
  holder: string;
  basis: LegalBasis;
  /**
   * The department whose entry created it: `credit` for a pledge (its request), `court` for a
   * seizure (its order), `land` for what a land clerk recorded. Only that party may lift it.
   */
  recordedBy: string;
  /** Consents the holder gave (recorded from the credit registry's signed consent entries). */
  consents: Array<{ to: ConsentTo; counterparty: string }>;
}

export type ParcelState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      cadastralNumber: string;
      areaSquareMetres: string;
      location: string;
      landUse: string;
      owners: Ownership[];
      encumbrances: Encumbrance[];
    };

export const initialParcelState: ParcelState = { status: 'unregistered' };

/** evolve(state, event) → state: what the register knows about one parcel after each of its entries. */
export function evolveParcel(state: ParcelState, event: ParcelEvent): ParcelState {
  switch (event.type) {
    case 'gov.land.parcel.registered.v1': {
      const { cadastralNumber, areaSquareMetres, location, landUse, owners } = event.data;
      return { status: 'registered', cadastralNumber, areaSquareMetres, location, landUse, owners, encumbrances: [] };
    }
    case 'gov.land.parcel.transferred.v1':
      if (state.status !== 'registered') return state;
      return {
        ...state,
        owners: mergeOwnership(state.owners, event.data.from, event.data.share, event.data.to),
        // A consent to a transfer is spent by the transfer it allowed.
        encumbrances: state.encumbrances.map((e) => ({
          ...e,
          consents: e.consents.filter((c) => c.to !== 'transfer'),
        })),
      };
    case 'gov.land.encumbrance.added.v1': {
      if (state.status !== 'registered') return state;
      const { encumbranceId, kind, holder, basis, cause } = event.data;
      const recordedBy = recordedByOf(cause);
      return {
        ...state,
        encumbrances: [...state.encumbrances, { encumbranceId, kind, holder, basis, recordedBy, consents: [] }],
      };
    }
    case 'gov.land.encumbrance.refused.v1':
      return state;
    case 'gov.land.encumbrance.consent-recorded.v1': {
      if (state.status !== 'registered') return state;
      const { encumbranceId, to, counterparty } = event.data;
      return {
        ...state,
        encumbrances: state.encumbrances.map((e) =>
          e.encumbranceId === encumbranceId ? { ...e, consents: [...e.consents, { to, counterparty }] } : e,
        ),
      };
    }
    case 'gov.land.encumbrance.lifted.v1':
      if (state.status !== 'registered') return state;
      return { ...state, encumbrances: state.encumbrances.filter((e) => e.encumbranceId !== event.data.encumbranceId) };
    default:
      return assertNever(event, 'parcel event');
  }
}

/** Whose act an entry carries out: the department of the entry it answers, or the land register's own clerk. */
export function recordedByOf(cause: { chain: string } | undefined): string {
  return cause ? (departmentOfChain(cause.chain) ?? cause.chain) : 'land';
}
