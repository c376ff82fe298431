import type { Cause, ConsentTo, EncumbranceKind, LegalBasis, Ownership } from './parcel-events.js';

export type ParcelCommand =
  | {
      kind: 'register-parcel';
      cadastralNumber: string;
      areaSquareMetres: string;
      location: string;
      landUse: string;
      owners: Ownership[];
      basis: LegalBasis;
    }
  | {
      kind: 'transfer-ownership';
      cadastralNumber: string;
      from: string;
      to: Ownership[];
      /** The part of the parcel that changes hands, e.g. "1" or "1/2". */
      share: string;
      basis: LegalBasis;
    }
  | {
      kind: 'add-encumbrance';
      cadastralNumber: string;
      encumbranceId: string;
      encumbranceKind: EncumbranceKind;
      holder: string;
      basis: LegalBasis;
      cause?: Cause;
    }
  | {
      /** A reaction to a pledge requested in the credit registry: recorded, or refused with the reason. */
      kind: 'decide-pledge-request';
      cadastralNumber: string;
      encumbranceId: string;
      holder: string;
      /** Who pledges the parcel: must own (a share of) it now, so a sale and a pledge cannot both pass. */
      pledgor: string;
      basis: LegalBasis;
      cause: Cause;
    }
  | {
      /** A reaction to a court's seizure order: recorded, or refused with the reason (e.g. no such parcel). */
      kind: 'decide-court-seizure';
      cadastralNumber: string;
      encumbranceId: string;
      holder: string;
      basis: LegalBasis;
      cause: Cause;
    }
  | {
      /** A reaction to a pledgee's consent entry in the credit registry. */
      kind: 'record-consent';
      cadastralNumber: string;
      encumbranceId: string;
      to: ConsentTo;
      counterparty: string;
      cause: Cause;
    }
  | {
      kind: 'lift-encumbrance';
      cadastralNumber: string;
      encumbranceId: string;
      basis: LegalBasis;
      cause?: Cause;
      /** A court's release order: the case it belongs to (judgment ids are unique within a case only). */
      fromCase?: string;
    };
