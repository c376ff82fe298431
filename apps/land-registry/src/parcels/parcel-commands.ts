import type { EncumbranceKind, LegalBasis, Ownership } from './parcel-events.js';

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
      /** Holders of active pledges who consented to this transfer (consent entries live in the credit registry). */
      consentedBy?: string[];
    }
  | {
      kind: 'add-encumbrance';
      cadastralNumber: string;
      encumbranceId: string;
      encumbranceKind: EncumbranceKind;
      holder: string;
      basis: LegalBasis;
      /** For a second pledge: the first pledgee's consent. */
      consentedBy?: string[];
    }
  | {
      kind: 'lift-encumbrance';
      cadastralNumber: string;
      encumbranceId: string;
      basis: LegalBasis;
    };
