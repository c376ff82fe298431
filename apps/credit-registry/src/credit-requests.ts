import {
  bankId,
  cadastralNumber,
  clientId,
  currency,
  legalBasisSchema,
  loanKind,
  money,
  partyId,
} from '@registry-bus/contracts';
import { z } from 'zod';

/** Request bodies of the credit register's REST commands (validated, and documented in OpenAPI). */
export const registerBankRequest = z.strictObject({
  bankId,
  name: z.string().trim().min(1).max(200),
  licence: z.string().trim().min(1).max(100),
  basis: legalBasisSchema,
});

export const grantLoanRequest = z.strictObject({
  loanId: clientId,
  kind: loanKind,
  borrower: partyId,
  amount: money,
  currency,
  basis: legalBasisSchema,
});

export const requestPledgeRequest = z.strictObject({
  pledgeId: clientId,
  cadastralNumber,
  bankId,
  loanId: clientId,
  pledgor: partyId,
  basis: legalBasisSchema,
});

export const consentRequest = z.strictObject({
  to: z.enum(['second-pledge', 'transfer']),
  counterparty: partyId.describe('The bank that may take a second pledge, or the buyer of the parcel'),
  basis: legalBasisSchema,
});

export const releaseRequest = z.strictObject({ basis: legalBasisSchema });

export const bankParams = z.strictObject({ bankId });
export const pledgeParams = z.strictObject({ pledgeId: clientId });
export const parcelParams = z.strictObject({ cadastralNumber });
