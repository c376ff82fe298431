import { defineEventType } from '@registry-bus/protocol';
import { z } from 'zod';

import { causeSchema, clientId, legalBasisSchema, partyId } from '../common-schemas.js';
import { cadastralNumber } from '../land/land-schemas.js';
import { applicationOutcome, bankId, consentTo, currency, loanKind, money } from './credit-schemas.js';

/**
 * The bank-creditor register's event types. Borrowers, amounts and pledgors
 * are personal; banks, parcels and the state of a pledge are public, so anyone
 * holding a receipt can see that a parcel is pledged and to whom. A credit
 * application (who applied, on which parcels) is the bank's and the
 * borrower's business: only its id, bank, times and basis are public.
 */
export const creditEventTypes = [
  defineEventType({
    type: 'gov.credit.bank.registered.v1',
    description: 'A bank is registered as a lender.',
    schema: z.strictObject({
      bankId,
      name: z.string().min(1).max(200),
      licence: z.string().min(1).max(100),
      basis: legalBasisSchema,
    }),
    publicFields: ['bankId', 'name', 'licence', 'basis'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.loan.granted.v1',
    description: 'A bank records a loan or guarantee to a borrower.',
    schema: z.strictObject({
      bankId,
      loanId: clientId,
      kind: loanKind,
      borrower: partyId,
      amount: money,
      currency,
      basis: legalBasisSchema,
    }),
    publicFields: ['bankId', 'loanId', 'kind', 'basis'],
    personalFields: ['borrower', 'amount', 'currency'],
  }),
  defineEventType({
    type: 'gov.credit.pledge.requested.v1',
    description: 'A bank asks for a land parcel as collateral; the land register decides.',
    schema: z.strictObject({
      pledgeId: clientId,
      cadastralNumber,
      bankId,
      loanId: clientId,
      pledgor: partyId,
      basis: legalBasisSchema,
    }),
    publicFields: ['pledgeId', 'cadastralNumber', 'bankId', 'loanId', 'basis'],
    personalFields: ['pledgor'],
  }),
  defineEventType({
    type: 'gov.credit.pledge.activated.v1',
    description: 'The pledge is active: the land register recorded its encumbrance (the cause).',
    schema: z.strictObject({ pledgeId: clientId, cadastralNumber, cause: causeSchema }),
    publicFields: ['pledgeId', 'cadastralNumber', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.pledge.refused.v1',
    description: 'The land register refused the pledge (the cause), with its reason.',
    schema: z.strictObject({
      pledgeId: clientId,
      cadastralNumber,
      reason: z.string().min(1).max(1000),
      cause: causeSchema,
    }),
    publicFields: ['pledgeId', 'cadastralNumber', 'reason', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.pledge.consent-given.v1',
    description: 'The pledgee consents to a second pledge or to a transfer of the pledged parcel.',
    schema: z.strictObject({
      pledgeId: clientId,
      cadastralNumber,
      bankId,
      to: consentTo,
      counterparty: partyId,
      basis: legalBasisSchema,
    }),
    publicFields: ['pledgeId', 'cadastralNumber', 'bankId', 'to', 'basis'],
    personalFields: ['counterparty'],
  }),
  defineEventType({
    type: 'gov.credit.pledge.release-requested.v1',
    description: 'The pledgee releases the pledge (the loan is repaid); the land register lifts the encumbrance.',
    schema: z.strictObject({ pledgeId: clientId, cadastralNumber, basis: legalBasisSchema }),
    publicFields: ['pledgeId', 'cadastralNumber', 'basis'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.pledge.released.v1',
    description: 'The land register lifted the encumbrance (the cause): the pledge is over.',
    schema: z.strictObject({ pledgeId: clientId, cadastralNumber, cause: causeSchema }),
    publicFields: ['pledgeId', 'cadastralNumber', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.pledge.pledgor-changed.v1',
    description: 'The pledged parcel changed hands with consent (the cause): the new owner is the pledgor.',
    schema: z.strictObject({
      pledgeId: clientId,
      cadastralNumber,
      from: partyId,
      to: z.string().min(1).max(1000),
      cause: causeSchema,
    }),
    publicFields: ['pledgeId', 'cadastralNumber', 'cause'],
    personalFields: ['from', 'to'],
  }),
  defineEventType({
    type: 'gov.credit.parcel.pledge-ban-recorded.v1',
    description: 'A court banned new pledges of the parcel (the cause).',
    schema: z.strictObject({ cadastralNumber, cause: causeSchema }),
    publicFields: ['cadastralNumber', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.credit.bond-holding.noted.v1',
    description: "The bond register settled an issue: a bank's holding for one of its investors (the cause).",
    schema: z.strictObject({
      isin: z.string().regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'must be an ISIN'),
      bankId,
      investor: partyId,
      quantity: z.number().int().min(1),
      cause: causeSchema,
    }),
    publicFields: ['isin', 'bankId', 'cause'],
    personalFields: ['investor', 'quantity'],
  }),
  defineEventType({
    type: 'gov.credit.application.opened.v1',
    description:
      "A bank's clerk records that a borrower applied for credit, offering these parcels as collateral: the permissible purpose under which the bank may search the shared creditor register (#27).",
    schema: z.strictObject({
      applicationId: clientId,
      bankId,
      borrower: partyId,
      assets: z.array(cadastralNumber).max(20),
      openedAt: z.iso.datetime(),
      basis: legalBasisSchema,
    }),
    publicFields: ['applicationId', 'bankId', 'openedAt', 'basis'],
    personalFields: ['borrower', 'assets'],
  }),
  defineEventType({
    type: 'gov.credit.application.closed.v1',
    description:
      'The credit application is closed (granted, declined or withdrawn): no longer a purpose to search the creditor register under.',
    schema: z.strictObject({
      applicationId: clientId,
      bankId,
      outcome: applicationOutcome,
      closedAt: z.iso.datetime(),
      basis: legalBasisSchema,
    }),
    publicFields: ['applicationId', 'bankId', 'closedAt', 'basis'],
    personalFields: ['outcome'],
  }),
];
