import { assertNever } from '@registry-bus/domain';

import type { EncumbranceKind, LegalBasis, Ownership, ParcelEvent } from './parcel-events.js';
import { mergeOwnership } from './shares.js';

export interface Encumbrance {
  encumbranceId: string;
  kind: EncumbranceKind;
  holder: string;
  basis: LegalBasis;
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
      return { ...state, owners: mergeOwnership(state.owners, event.data.from, event.data.share, event.data.to) };
    case 'gov.land.encumbrance.added.v1': {
      if (state.status !== 'registered') return state;
      const { encumbranceId, kind, holder, basis } = event.data;
      return { ...state, encumbrances: [...state.encumbrances, { encumbranceId, kind, holder, basis }] };
    }
    case 'gov.land.encumbrance.lifted.v1':
      if (state.status !== 'registered') return state;
      return { ...state, encumbrances: state.encumbrances.filter((e) => e.encumbranceId !== event.data.encumbranceId) };
    default:
      return assertNever(event, 'parcel event');
  }
}
