import type { Cause, LegalBasis } from '@registry-bus/domain';

export type { Cause, LegalBasis };

export interface Ownership {
  /** A person or organisation by registry id: `person:…` or `org:…`. */
  ownerId: string;
  /** Exact fraction: "1", "1/2", "3/8". */
  share: string;
}

export type EncumbranceKind = 'pledge' | 'seizure' | 'easement';

export type ConsentTo = 'second-pledge' | 'transfer';

/** Events of a parcel; the version lives in the type name (`.v1`). Reactions carry the entry they answer. */
export type ParcelEvent =
  | {
      type: 'gov.land.parcel.registered.v1';
      data: {
        cadastralNumber: string;
        areaSquareMetres: string;
        location: string;
        landUse: string;
        owners: Ownership[];
        basis: LegalBasis;
      };
    }
  | {
      type: 'gov.land.parcel.transferred.v1';
      data: {
        cadastralNumber: string;
        from: string;
        to: Ownership[];
        share: string;
        basis: LegalBasis;
        /** Pledgees whose recorded consent let the transfer through. */
        consentedBy: string[];
      };
    }
  | {
      type: 'gov.land.encumbrance.added.v1';
      data: {
        cadastralNumber: string;
        encumbranceId: string;
        kind: EncumbranceKind;
        holder: string;
        basis: LegalBasis;
        cause?: Cause;
      };
    }
  | {
      type: 'gov.land.encumbrance.refused.v1';
      data: {
        cadastralNumber: string;
        encumbranceId: string;
        kind: EncumbranceKind;
        holder: string;
        code: string;
        reason: string;
        cause: Cause;
      };
    }
  | {
      type: 'gov.land.encumbrance.consent-recorded.v1';
      data: {
        cadastralNumber: string;
        encumbranceId: string;
        to: ConsentTo;
        counterparty: string;
        cause: Cause;
      };
    }
  | {
      type: 'gov.land.encumbrance.lifted.v1';
      data: { cadastralNumber: string; encumbranceId: string; basis: LegalBasis; cause?: Cause };
    };
