import {
  applicationOutcome,
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

export const openApplicationRequest = z.strictObject({
  applicationId: clientId,
  borrower: partyId,
  assets: z
    .array(cadastralNumber)
    .max(20)
    .refine((assets) => new Set(assets).size === assets.length, 'must name each parcel once')
    .describe('The parcels offered as collateral: the assets this application lets the bank search the register for'),
  basis: legalBasisSchema,
});

export const closeApplicationRequest = z.strictObject({ outcome: applicationOutcome, basis: legalBasisSchema });

/** A search of the shared creditor register: a borrower or an asset, and the open application it is for. */
export const creditorRegisterQuery = z
  .strictObject({
    borrower: partyId.optional().describe('The borrower whose loans the pledges secure'),
    asset: cadastralNumber.optional().describe('The pledged parcel'),
    purpose: clientId.describe(
      "The id of an open credit application of the caller's bank naming the borrower or asset",
    ),
  })
  .superRefine((query, context) => {
    if ((query.borrower === undefined) === (query.asset === undefined))
      context.addIssue({ code: 'custom', path: ['borrower'], message: 'give exactly one of borrower and asset' });
  });

export const bankParams = z.strictObject({ bankId });
export const applicationParams = z.strictObject({ bankId, applicationId: clientId });
export const pledgeParams = z.strictObject({ pledgeId: clientId });
export const parcelParams = z.strictObject({ cadastralNumber });
