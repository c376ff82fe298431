import type { Cause, LegalBasis } from './pledge-events.js';

export type PledgeCommand =
  | {
      kind: 'request-pledge';
      pledgeId: string;
      cadastralNumber: string;
      bankId: string;
      loanId: string;
      pledgor: string;
      basis: LegalBasis;
    }
  | { kind: 'record-land-encumbrance'; pledgeId: string; cadastralNumber: string; cause: Cause }
  | { kind: 'record-land-refusal'; pledgeId: string; cadastralNumber: string; reason: string; cause: Cause }
  | {
      kind: 'give-consent';
      pledgeId: string;
      cadastralNumber: string;
      bankId: string;
      to: 'second-pledge' | 'transfer';
      counterparty: string;
      basis: LegalBasis;
    }
  | { kind: 'request-release'; pledgeId: string; cadastralNumber: string; bankId: string; basis: LegalBasis }
  | { kind: 'record-land-lift'; pledgeId: string; cadastralNumber: string; cause: Cause }
  | { kind: 'record-land-transfer'; cadastralNumber: string; from: string; to: string; cause: Cause }
  | { kind: 'record-pledge-ban'; cadastralNumber: string; cause: Cause };
