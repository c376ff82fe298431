import type { Cause, LegalBasis } from '@registry-bus/domain';

export type Degree = 'certificate' | 'diploma' | 'bachelor' | 'master' | 'doctor';

/** What a diploma says: the fields a correction may change (a type, not an interface: event data is a record). */
export type DiplomaContent = {
  programme: string;
  degree: Degree;
  awardedOn: string;
  holderName: string;
};

export type DiplomaEvent =
  | {
      type: 'gov.diploma.diploma.issued.v1';
      data: DiplomaContent & { diplomaNumber: string; institutionId: string; holder: string; basis: LegalBasis };
    }
  | {
      type: 'gov.diploma.diploma.corrected.v1';
      data: Partial<DiplomaContent> & { diplomaNumber: string; reason: string; basis: LegalBasis };
    }
  | {
      type: 'gov.diploma.diploma.revoked.v1';
      data: { diplomaNumber: string; reason: string; basis: LegalBasis; cause?: Cause };
    };

export type DiplomaCommand =
  | (DiplomaContent & {
      kind: 'issue';
      diplomaNumber: string;
      institutionId: string;
      holder: string;
      basis: LegalBasis;
      /** Whether the issuing institution is registered (read by the caller from its aggregate). */
      institutionRegistered: boolean;
      /** Today's date (YYYY-MM-DD) where the register stands: no diploma is awarded in the future. */
      today: string;
    })
  | {
      kind: 'correct';
      corrections: Partial<DiplomaContent>;
      reason: string;
      basis: LegalBasis;
      /** Today's date (YYYY-MM-DD): a correction cannot move the award into the future either. */
      today: string;
    }
  | { kind: 'revoke'; reason: string; basis: LegalBasis; cause?: Cause };
