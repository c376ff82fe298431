import { z } from 'zod';

import { partyId } from '../common-schemas.js';

/** Field shapes of the bank-creditor register, shared by its REST requests and its event types. */
export const bankId = z.string().regex(/^bank:[a-z0-9][a-z0-9-]{0,62}$/, 'must be a bank id such as "bank:alpha"');
export const money = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})\.[0-9]{2}$/, 'must be an amount with two decimals, e.g. "250000.00"');
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "GEL"');
export const loanKind = z.enum(['loan', 'guarantee']);
export const consentTo = z.enum(['second-pledge', 'transfer']);
/** How a credit application ended: the loan was granted, the bank declined it, or the borrower withdrew. */
export const applicationOutcome = z.enum(['granted', 'declined', 'withdrawn']);
export { partyId };
