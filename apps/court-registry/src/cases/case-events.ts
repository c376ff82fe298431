import type { LegalBasis } from '@registry-bus/domain';

export type CourtOrder =
  | { kind: 'seize-parcel'; cadastralNumber: string }
  | { kind: 'release-seizure'; cadastralNumber: string; seizureJudgmentId: string }
  | { kind: 'annul-diploma'; diplomaNumber: string }
  | { kind: 'ban-pledges'; cadastralNumber: string };

export type CaseParty = { partyId: string; role: string };

type OrderBase = { caseNumber: string; judgmentId: string; basis: LegalBasis };

export type CaseEvent =
  | {
      type: 'gov.court.case.opened.v1';
      data: { caseNumber: string; parties: CaseParty[]; subject: string; basis: LegalBasis };
    }
  | {
      type: 'gov.court.hearing.held.v1';
      data: { caseNumber: string; hearingId: string; heldOn: string; summary: string; basis: LegalBasis };
    }
  | {
      type: 'gov.court.judgment.registered.v1';
      data: {
        caseNumber: string;
        judgmentId: string;
        decidedOn: string;
        summary: string;
        orders: CourtOrder[];
        corrects?: string;
        basis: LegalBasis;
      };
    }
  | { type: 'gov.court.seizure.ordered.v1'; data: OrderBase & { cadastralNumber: string } }
  | {
      type: 'gov.court.seizure-release.ordered.v1';
      data: OrderBase & { cadastralNumber: string; seizureJudgmentId: string };
    }
  | { type: 'gov.court.diploma-annulment.ordered.v1'; data: OrderBase & { diplomaNumber: string } }
  | { type: 'gov.court.pledge-ban.ordered.v1'; data: OrderBase & { cadastralNumber: string } };

export type CaseCommand =
  | { kind: 'open-case'; caseNumber: string; parties: CaseParty[]; subject: string; basis: LegalBasis }
  | { kind: 'hold-hearing'; hearingId: string; heldOn: string; summary: string; basis: LegalBasis }
  | {
      kind: 'register-judgment';
      judgmentId: string;
      decidedOn: string;
      summary: string;
      orders: CourtOrder[];
      corrects?: string;
      basis: LegalBasis;
    };
