import { LEGAL_DOCUMENT_TYPES } from '@registry-bus/domain';
import { z } from 'zod';
import { CHAIN_PATTERN } from '@registry-bus/protocol';

/** Zod shapes every register's requests and events share. */
export const legalBasisSchema = z
  .strictObject({
    documentType: z.enum(LEGAL_DOCUMENT_TYPES),
    reference: z.string().trim().min(1).max(200),
  })
  .describe('The document this entry rests on: its kind and its reference');

export const causeSchema = z
  .strictObject({
    chain: z.string().regex(CHAIN_PATTERN, 'must be a chain id'),
    seq: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a sequence number'),
    eventId: z.uuid(),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  })
  .describe('The entry of another department this reaction answers');

/** Ids of people, organisations, banks, courts…: `person:…`, `org:…`, `bank:…`. */
export const partyId = z
  .string()
  .regex(/^[a-z]+:[A-Za-z0-9._-]{1,100}$/, 'must be a registry id such as "person:0142" or "bank:alpha"');

/** Ids a client may choose for new things (pledges, loans): letters, digits, `.`, `_`, `-`. */
export const clientId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 of A-Z a-z 0-9 . _ -');
