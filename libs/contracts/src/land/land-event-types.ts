import { defineEventType } from '@registry-bus/protocol';
import { z } from 'zod';

import {
  area,
  cadastralNumber,
  causeSchema,
  clientId,
  consentTo,
  encumbranceKind,
  legalBasisSchema,
  owners,
  partyId,
  share,
} from './land-schemas.js';

/**
 * The land register's event types. Who owns a parcel is personal (it leaves
 * the register only under a grant); the parcel itself and its encumbrances
 * are public, so an extract can show them to anyone.
 */
export const landEventTypes = [
  defineEventType({
    type: 'gov.land.parcel.registered.v1',
    description: 'A parcel enters the register with its owners.',
    schema: z.strictObject({
      cadastralNumber,
      areaSquareMetres: area,
      location: z.string().min(1).max(300),
      landUse: z.string().min(1).max(100),
      owners,
      basis: legalBasisSchema,
    }),
    publicFields: ['cadastralNumber', 'areaSquareMetres', 'location', 'landUse', 'basis'],
    personalFields: ['owners'],
  }),
  defineEventType({
    type: 'gov.land.parcel.transferred.v1',
    description: 'Ownership of a parcel, or of a share of it, changes hands.',
    schema: z.strictObject({
      cadastralNumber,
      from: partyId,
      to: owners,
      share,
      basis: legalBasisSchema,
      consentedBy: z.array(partyId).max(100),
    }),
    publicFields: ['cadastralNumber', 'share', 'basis', 'consentedBy'],
    personalFields: ['from', 'to'],
  }),
  defineEventType({
    type: 'gov.land.encumbrance.added.v1',
    description: 'A pledge, court seizure or easement is recorded on a parcel.',
    schema: z.strictObject({
      cadastralNumber,
      encumbranceId: clientId,
      kind: encumbranceKind,
      holder: partyId,
      basis: legalBasisSchema,
      cause: causeSchema.optional(),
    }),
    publicFields: ['cadastralNumber', 'encumbranceId', 'kind', 'holder', 'basis', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.land.encumbrance.refused.v1',
    description: 'The land register refuses an encumbrance another department asked for, with the reason.',
    schema: z.strictObject({
      cadastralNumber,
      encumbranceId: clientId,
      kind: encumbranceKind,
      holder: partyId,
      code: z.string().min(1).max(100),
      reason: z.string().min(1).max(1000),
      cause: causeSchema,
    }),
    publicFields: ['cadastralNumber', 'encumbranceId', 'kind', 'holder', 'code', 'reason', 'cause'],
    personalFields: [],
  }),
  defineEventType({
    type: 'gov.land.encumbrance.consent-recorded.v1',
    description: "A pledgee's consent (a signed entry of the credit registry) is recorded on its pledge.",
    schema: z.strictObject({
      cadastralNumber,
      encumbranceId: clientId,
      to: consentTo,
      counterparty: partyId,
      cause: causeSchema,
    }),
    publicFields: ['cadastralNumber', 'encumbranceId', 'to', 'cause'],
    personalFields: ['counterparty'],
  }),
  defineEventType({
    type: 'gov.land.encumbrance.lifted.v1',
    description: 'An encumbrance is lifted.',
    schema: z.strictObject({
      cadastralNumber,
      encumbranceId: clientId,
      basis: legalBasisSchema,
      cause: causeSchema.optional(),
    }),
    publicFields: ['cadastralNumber', 'encumbranceId', 'basis', 'cause'],
    personalFields: [],
  }),
];
