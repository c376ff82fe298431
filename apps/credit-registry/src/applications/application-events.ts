import type { LegalBasis } from '@registry-bus/domain';

export type ApplicationOutcome = 'granted' | 'declined' | 'withdrawn';

/** A borrower's application for credit at one bank: the permissible purpose of its creditor-register searches. */
export type ApplicationEvent =
  | {
      type: 'gov.credit.application.opened.v1';
      data: {
        applicationId: string;
        bankId: string;
        borrower: string;
        assets: string[];
        openedAt: string;
        basis: LegalBasis;
      };
    }
  | {
      type: 'gov.credit.application.closed.v1';
      data: { applicationId: string; bankId: string; outcome: ApplicationOutcome; closedAt: string; basis: LegalBasis };
    };

export type ApplicationCommand =
  | {
      kind: 'open-application';
      applicationId: string;
      bankId: string;
      borrower: string;
      assets: string[];
      openedAt: string;
      basis: LegalBasis;
    }
  | {
      kind: 'close-application';
      applicationId: string;
      bankId: string;
      outcome: ApplicationOutcome;
      closedAt: string;
      basis: LegalBasis;
    };
