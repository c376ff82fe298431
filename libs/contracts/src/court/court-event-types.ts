import { defineEventType } from '@registry-bus/protocol';
import { z } from 'zod';

import { calendarDate, diplomaNumber } from '../diploma/diploma-schemas.js';
import { cadastralNumber } from '../land/land-schemas.js';
import { legalBasisSchema } from '../common-schemas.js';
import { caseNumber, caseParty, judgmentId } from './court-schemas.js';

const order = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('seize-parcel'), cadastralNumber }),
  z.strictObject({ kind: z.literal('release-seizure'), cadastralNumber, seizureJudgmentId: judgmentId }),
  z.strictObject({ kind: z.literal('annul-diploma'), diplomaNumber }),
  z.strictObject({ kind: z.literal('ban-pledges'), cadastralNumber }),
]);

const orderEntry = { caseNumber, judgmentId, basis: legalBasisSchema };
const orderFields = ['caseNumber', 'judgmentId', 'basis'];

/**
 * The court register's event types. Parties and what a judgment says in
 * words are personal; that a case exists, and what a judgment orders, are
 * public. Each order is also an entry of its own type, so the court can grant
 * each department exactly the orders that concern it.
 */
export const courtEventTypes = [
  defineEventType({
    type: 'gov.court.case.opened.v1',
    description: 'A case is registered with its parties and subject.',
    schema: z.strictObject({
      caseNumber,
      parties: z.array(caseParty).min(1).max(50),
      subject: z.string().trim().min(1).max(500),
      basis: legalBasisSchema,
    }),
    publicFields: ['caseNumber', 'subject', 'basis'],
    personalFields: ['parties'],
  }),
  defineEventType({
    type: 'gov.court.hearing.held.v1',
    description: 'A hearing of the case took place.',
    schema: z.strictObject({
      caseNumber,
      hearingId: judgmentId,
      heldOn: calendarDate,
      summary: z.string().trim().min(1).max(4000),
      basis: legalBasisSchema,
    }),
    publicFields: ['caseNumber', 'hearingId', 'heldOn', 'basis'],
    personalFields: ['summary'],
  }),
  defineEventType({
    type: 'gov.court.judgment.registered.v1',
    description: 'A final judgment with its orders; a correction is a new judgment that cites the one it corrects.',
    schema: z.strictObject({
      caseNumber,
      judgmentId,
      decidedOn: calendarDate,
      summary: z.string().trim().min(1).max(8000),
      orders: z.array(order).max(50),
      corrects: judgmentId.optional(),
      basis: legalBasisSchema,
    }),
    publicFields: ['caseNumber', 'judgmentId', 'decidedOn', 'orders', 'corrects', 'basis'],
    personalFields: ['summary'],
  }),
  defineEventType({
    type: 'gov.court.seizure.ordered.v1',
    description: 'A judgment orders the seizure of a land parcel (the land register records it).',
    schema: z.strictObject({ ...orderEntry, cadastralNumber }),
    publicFields: [...orderFields, 'cadastralNumber'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.court.seizure-release.ordered.v1',
    description: 'A judgment releases a seizure ordered by an earlier judgment (the land register lifts it).',
    schema: z.strictObject({ ...orderEntry, cadastralNumber, seizureJudgmentId: judgmentId }),
    publicFields: [...orderFields, 'cadastralNumber', 'seizureJudgmentId'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.court.diploma-annulment.ordered.v1',
    description: 'A judgment annuls a diploma (the diploma register revokes it, citing the judgment).',
    schema: z.strictObject({ ...orderEntry, diplomaNumber }),
    publicFields: [...orderFields, 'diplomaNumber'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.court.pledge-ban.ordered.v1',
    description: 'A judgment bans new pledges of a parcel (the credit register refuses them).',
    schema: z.strictObject({ ...orderEntry, cadastralNumber }),
    publicFields: [...orderFields, 'cadastralNumber'],
    personalFields: [],
  }),
];
