import { defineEventType } from '@registry-bus/protocol';
import { z } from 'zod';

import { clientId, legalBasisSchema, partyId } from '../common-schemas.js';
import { bankId, currency, money } from '../credit/credit-schemas.js';
import { calendarDate } from '../diploma/diploma-schemas.js';
import { isin, issuerId, quantity, ratePercent } from './bond-schemas.js';

const allocation = z.strictObject({ investor: partyId, bankId, quantity });

/**
 * The bond register's event types: an issue's lifecycle (registered →
 * approved → book opened → allocated → settled), then transfers, coupons and
 * redemption. Terms and totals are public; who holds how much is personal,
 * except that each bank's holdings on behalf of its investors are what the
 * credit registry is granted.
 */
export const bondEventTypes = [
  defineEventType({
    type: 'gov.bond.issuer.registered.v1',
    description: 'An issuer may register bond issues.',
    schema: z.strictObject({ issuerId, name: z.string().trim().min(1).max(300), basis: legalBasisSchema }),
    publicFields: ['issuerId', 'name', 'basis'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.bond.issue.registered.v1',
    description: 'An issuer registers a bond issue with its terms.',
    schema: z.strictObject({
      isin,
      issuerId,
      currency,
      faceValue: money,
      quantity,
      couponRate: ratePercent,
      maturity: calendarDate,
      basis: legalBasisSchema,
    }),
    publicFields: ['isin', 'issuerId', 'currency', 'faceValue', 'quantity', 'couponRate', 'maturity', 'basis'],
    personalFields: [],
  }),
  ...(['approved', 'book-opened', 'settled', 'redeemed'] as const).map((step) =>
    defineEventType({
      type: `gov.bond.issue.${step}.v1`,
      description: `The issue is ${step.replace('-', ' ')}.`,
      schema: z.strictObject({ isin, basis: legalBasisSchema }),
      publicFields: ['isin', 'basis'],
      personalFields: [],
    }),
  ),
  defineEventType({
    type: 'gov.bond.issue.allocated.v1',
    description: 'The book is closed: bonds are allocated to investors (through their banks).',
    schema: z.strictObject({ isin, allocations: z.array(allocation).min(1).max(10_000), basis: legalBasisSchema }),
    publicFields: ['isin', 'basis'],
    personalFields: ['allocations'],
  }),
  defineEventType({
    type: 'gov.bond.holding.settled.v1',
    description:
      "At settlement, a bank's holding on behalf of one investor (what the credit registry is granted), on the settlement's legal basis.",
    // Optional in the schema only: holdings recorded before #27 carry no basis and must stay valid on their
    // ledgers; the decider writes one on every holding since (decide-issue.spec holds it to that).
    schema: z.strictObject({ isin, bankId, investor: partyId, quantity, basis: legalBasisSchema.optional() }),
    publicFields: ['isin', 'bankId', 'basis'],
    personalFields: ['investor', 'quantity'],
  }),
  defineEventType({
    type: 'gov.bond.holding.transferred.v1',
    description: 'Bonds change hands between holders after settlement.',
    schema: z.strictObject({ isin, from: partyId, to: partyId, toBankId: bankId, quantity, basis: legalBasisSchema }),
    publicFields: ['isin', 'basis'],
    personalFields: ['from', 'to', 'toBankId', 'quantity'],
  }),
  defineEventType({
    type: 'gov.bond.coupon.paid.v1',
    description: 'A coupon of the issue is paid.',
    schema: z.strictObject({ isin, couponId: clientId, paidOn: calendarDate, ratePercent, basis: legalBasisSchema }),
    publicFields: ['isin', 'couponId', 'paidOn', 'ratePercent', 'basis'],
    personalFields: [],
  }),
];
