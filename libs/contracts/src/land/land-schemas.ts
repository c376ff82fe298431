import { causeSchema, clientId, legalBasisSchema, partyId } from '../common-schemas.js';
import { z } from 'zod';

/** Field shapes of the land register, shared by its REST requests and its event types. */
export const cadastralNumber = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9.:/-]{0,63}$/, 'must be a cadastral number: upper-case letters, digits, . : / -');
export const share = z
  .string()
  .regex(/^[1-9][0-9]{0,8}(\/[1-9][0-9]{0,8})?$/, 'must be a fraction such as "1" or "1/2"');
export const ownership = z.strictObject({ ownerId: partyId, share });
export const owners = z.array(ownership).min(1).max(100);
export const area = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,12})\.[0-9]{2}$/, 'must be a decimal with two places, e.g. "1200.50"');
export const encumbranceKind = z.enum(['pledge', 'seizure', 'easement']);
export const consentTo = z.enum(['second-pledge', 'transfer']);
export { causeSchema, clientId, legalBasisSchema, partyId };
