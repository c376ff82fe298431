import { defineEventType } from '@registry-bus/protocol';
import { z } from 'zod';

import { causeSchema, legalBasisSchema, partyId } from '../common-schemas.js';
import { calendarDate, degree, diplomaNumber, institutionId, personName, programme } from './diploma-schemas.js';

/**
 * The diploma register's event types. The holder is personal; what a diploma
 * says (institution, programme, degree, date) and whether it still stands are
 * public, so an employer holding a receipt or a diploma number can check it.
 */
export const diplomaEventTypes = [
  defineEventType({
    type: 'gov.diploma.institution.registered.v1',
    description: 'An accredited institution may issue diplomas.',
    schema: z.strictObject({
      institutionId,
      name: z.string().trim().min(1).max(300),
      accreditation: z.string().trim().min(1).max(100),
      basis: legalBasisSchema,
    }),
    publicFields: ['institutionId', 'name', 'accreditation', 'basis'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.diploma.diploma.issued.v1',
    description: 'An institution issues a diploma (its number is unique in the register).',
    schema: z.strictObject({
      diplomaNumber,
      institutionId,
      holder: partyId,
      holderName: personName,
      programme,
      degree,
      awardedOn: calendarDate,
      basis: legalBasisSchema,
    }),
    publicFields: ['diplomaNumber', 'institutionId', 'programme', 'degree', 'awardedOn', 'basis'],
    personalFields: ['holder', 'holderName'],
  }),
  defineEventType({
    type: 'gov.diploma.diploma.corrected.v1',
    description: 'The issuing institution corrects what a diploma says; the entry names only the corrected fields.',
    schema: z.strictObject({
      diplomaNumber,
      programme: programme.optional(),
      degree: degree.optional(),
      awardedOn: calendarDate.optional(),
      holderName: personName.optional(),
      reason: z.string().trim().min(1).max(1000),
      basis: legalBasisSchema,
    }),
    publicFields: ['diplomaNumber', 'programme', 'degree', 'awardedOn', 'reason', 'basis'],
    personalFields: ['holderName'],
  }),
  defineEventType({
    type: 'gov.diploma.diploma.revoked.v1',
    description: 'The diploma no longer stands: revoked by its institution, or annulled by a judgment (the cause).',
    schema: z.strictObject({
      diplomaNumber,
      reason: z.string().trim().min(1).max(1000),
      basis: legalBasisSchema,
      cause: causeSchema.optional(),
    }),
    publicFields: ['diplomaNumber', 'reason', 'basis', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.diploma.court-order.rejected.v1',
    description:
      'The diploma register cannot carry out a court order (e.g. no such diploma): the reason, citing the order.',
    schema: z.strictObject({
      diplomaNumber,
      code: z.string().min(1).max(100),
      reason: z.string().min(1).max(1000),
      cause: causeSchema,
    }),
    publicFields: ['diplomaNumber', 'code', 'reason', 'cause'],
    personalFields: [],
  }),
];
