/** The legal basis of a register entry: without it the entry is worthless to a judge. */
export interface LegalBasis {
  documentType:
    | 'contract-of-sale'
    | 'gift'
    | 'inheritance'
    | 'court-decision'
    | 'loan-agreement'
    | 'easement-agreement'
    | 'survey'
    | 'administrative-act';
  reference: string;
}

export interface Ownership {
  /** A person or organisation by registry id: `person:…` or `org:…`. */
  ownerId: string;
  /** Exact fraction: "1", "1/2", "3/8". */
  share: string;
}

export type EncumbranceKind = 'pledge' | 'seizure' | 'easement';

/** Events of a parcel; the version lives in the type name (`.v1`). */
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
      };
    }
  | {
      type: 'gov.land.encumbrance.lifted.v1';
      data: { cadastralNumber: string; encumbranceId: string; basis: LegalBasis };
    };
