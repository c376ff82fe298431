import {
  calendarDate,
  degree,
  diplomaNumber,
  institutionId,
  legalBasisSchema,
  partyId,
  personName,
  programme,
} from '@registry-bus/contracts';
import { z } from 'zod';

/** Request bodies of the diploma register's REST commands (validated, and documented in OpenAPI). */
export const registerInstitutionRequest = z.strictObject({
  institutionId,
  name: z.string().trim().min(1).max(300),
  accreditation: z.string().trim().min(1).max(100),
  basis: legalBasisSchema,
});

export const issueDiplomaRequest = z.strictObject({
  diplomaNumber,
  institutionId,
  holder: partyId,
  holderName: personName,
  programme,
  degree,
  awardedOn: calendarDate,
  basis: legalBasisSchema,
});

export const correctDiplomaRequest = z.strictObject({
  corrections: z
    .strictObject({
      programme: programme.optional(),
      degree: degree.optional(),
      awardedOn: calendarDate.optional(),
      holderName: personName.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'name at least one field to correct'),
  reason: z.string().trim().min(1).max(1000),
  basis: legalBasisSchema,
});

export const revokeDiplomaRequest = z.strictObject({
  reason: z.string().trim().min(1).max(1000),
  basis: legalBasisSchema,
});

export const institutionParams = z.strictObject({ institutionId });
export const diplomaParams = z.strictObject({ diplomaNumber });
