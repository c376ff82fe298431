import type { Cause, LegalBasis } from '@registry-bus/domain';

export type { Cause, LegalBasis };

/**
 * Events about the pledges of one land parcel (the credit registry decides
 * per parcel, so two banks cannot both take it). Reactions cite their cause.
 */
export type PledgeEvent =
  | {
      type: 'gov.credit.pledge.requested.v1';
      data: {
        pledgeId: string;
        cadastralNumber: string;
        bankId: string;
        loanId: string;
        pledgor: string;
        basis: LegalBasis;
      };
    }
  | { type: 'gov.credit.pledge.activated.v1'; data: { pledgeId: string; cadastralNumber: string; cause: Cause } }
  | {
      type: 'gov.credit.pledge.refused.v1';
      data: { pledgeId: string; cadastralNumber: string; reason: string; cause: Cause };
    }
  | {
      type: 'gov.credit.pledge.consent-given.v1';
      data: {
        pledgeId: string;
        cadastralNumber: string;
        bankId: string;
        to: 'second-pledge' | 'transfer';
        counterparty: string;
        basis: LegalBasis;
      };
    }
  | {
      type: 'gov.credit.pledge.release-requested.v1';
      data: { pledgeId: string; cadastralNumber: string; basis: LegalBasis };
    }
  | { type: 'gov.credit.pledge.released.v1'; data: { pledgeId: string; cadastralNumber: string; cause: Cause } }
  | {
      type: 'gov.credit.pledge.pledgor-changed.v1';
      data: { pledgeId: string; cadastralNumber: string; from: string; to: string; cause: Cause };
    }
  | { type: 'gov.credit.parcel.pledge-ban-recorded.v1'; data: { cadastralNumber: string; cause: Cause } };
