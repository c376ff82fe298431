import {
  bankId,
  calendarDate,
  clientId,
  currency,
  isin,
  issuerId,
  legalBasisSchema,
  money,
  partyId,
  quantity,
  ratePercent,
} from '@registry-bus/contracts';
import { z } from 'zod';

/** Request bodies of the bond register's REST commands (validated, and documented in OpenAPI). */
export const registerIssuerRequest = z.strictObject({
  issuerId,
  name: z.string().trim().min(1).max(300),
  basis: legalBasisSchema,
});
export const registerIssueRequest = z.strictObject({
  isin,
  issuerId,
  currency,
  faceValue: money,
  quantity,
  couponRate: ratePercent,
  maturity: calendarDate,
  basis: legalBasisSchema,
});
export const stepRequest = z.strictObject({ basis: legalBasisSchema });
export const allocateRequest = z.strictObject({
  allocations: z
    .array(z.strictObject({ investor: partyId, bankId, quantity }))
    .min(1)
    .max(10_000),
  basis: legalBasisSchema,
});
export const transferRequest = z.strictObject({
  from: partyId,
  to: partyId,
  toBankId: bankId,
  quantity,
  basis: legalBasisSchema,
});
export const couponRequest = z.strictObject({
  couponId: clientId,
  paidOn: calendarDate,
  ratePercent,
  basis: legalBasisSchema,
});
export const issueParams = z.strictObject({ isin });
export const issuerParams = z.strictObject({ issuerId });
