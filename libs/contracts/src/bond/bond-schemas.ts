import { z } from 'zod';

/** Field shapes of the bond register, shared by its REST requests and its event types. */
export const issuerId = z
  .string()
  .regex(/^issuer:[a-z0-9][a-z0-9-]{0,62}$/, 'must be an issuer id such as "issuer:mof"');
export const isin = z
  .string()
  .regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'must be an ISIN: 2 letters, 9 letters or digits, 1 check digit');
export const quantity = z.number().int().min(1).max(1_000_000_000);
export const ratePercent = z
  .string()
  .regex(/^(0|[1-9][0-9]?)\.[0-9]{2}$/, 'must be a percentage with two decimals, e.g. "7.50"');
