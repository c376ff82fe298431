import {
  cadastralNumber,
  calendarDate,
  caseNumber,
  caseParty,
  diplomaNumber,
  judgmentId,
  legalBasisSchema,
} from '@registry-bus/contracts';
import { z } from 'zod';

/** Request bodies of the court register's REST commands (validated, and documented in OpenAPI). */
export const openCaseRequest = z.strictObject({
  caseNumber,
  parties: z.array(caseParty).min(1).max(50),
  subject: z.string().trim().min(1).max(500),
  basis: legalBasisSchema,
});

export const hearingRequest = z.strictObject({
  hearingId: judgmentId,
  heldOn: calendarDate,
  summary: z.string().trim().min(1).max(4000),
  basis: legalBasisSchema,
});

export const judgmentRequest = z.strictObject({
  judgmentId,
  decidedOn: calendarDate,
  summary: z.string().trim().min(1).max(8000),
  orders: z
    .array(
      z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('seize-parcel'), cadastralNumber }),
        z.strictObject({ kind: z.literal('release-seizure'), cadastralNumber, seizureJudgmentId: judgmentId }),
        z.strictObject({ kind: z.literal('annul-diploma'), diplomaNumber }),
        z.strictObject({ kind: z.literal('ban-pledges'), cadastralNumber }),
      ]),
    )
    .max(50)
    .default([]),
  corrects: judgmentId.optional(),
  basis: legalBasisSchema,
});

export const caseParams = z.strictObject({ caseNumber });
