import type { LegalBasis } from '@registry-bus/domain';

export type Allocation = { investor: string; bankId: string; quantity: number };

type Step = 'approved' | 'book-opened' | 'settled' | 'redeemed';

export type IssueTerms = {
  isin: string;
  issuerId: string;
  currency: string;
  faceValue: string;
  quantity: number;
  couponRate: string;
  maturity: string;
};

export type IssueEvent =
  | { type: 'gov.bond.issuer.registered.v1'; data: { issuerId: string; name: string; basis: LegalBasis } }
  | { type: 'gov.bond.issue.registered.v1'; data: IssueTerms & { basis: LegalBasis } }
  | { type: `gov.bond.issue.${Step}.v1`; data: { isin: string; basis: LegalBasis } }
  | { type: 'gov.bond.issue.allocated.v1'; data: { isin: string; allocations: Allocation[]; basis: LegalBasis } }
  | {
      type: 'gov.bond.holding.settled.v1';
      data: { isin: string; bankId: string; investor: string; quantity: number; basis: LegalBasis };
    }
  | {
      type: 'gov.bond.holding.transferred.v1';
      data: { isin: string; from: string; to: string; toBankId: string; quantity: number; basis: LegalBasis };
    }
  | {
      type: 'gov.bond.coupon.paid.v1';
      data: { isin: string; couponId: string; paidOn: string; ratePercent: string; basis: LegalBasis };
    };

export type IssueCommand =
  | (IssueTerms & { kind: 'register-issue'; basis: LegalBasis; issuerRegistered: boolean })
  | { kind: 'approve' | 'open-book' | 'settle' | 'redeem'; basis: LegalBasis }
  | { kind: 'allocate'; allocations: Allocation[]; basis: LegalBasis }
  | { kind: 'transfer'; from: string; to: string; toBankId: string; quantity: number; basis: LegalBasis }
  | { kind: 'pay-coupon'; couponId: string; paidOn: string; ratePercent: string; basis: LegalBasis };

export type IssuerCommand = { kind: 'register-issuer'; issuerId: string; name: string; basis: LegalBasis };
