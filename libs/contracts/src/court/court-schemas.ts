import { z } from 'zod';

import { clientId, partyId } from '../common-schemas.js';

/** Field shapes of the court register, shared by its REST requests and its event types. */
export const caseNumber = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9/-]{2,39}$/, 'must be a case number: 3 to 40 upper-case letters, digits, / -');
export const judgmentId = clientId;
export const partyRole = z.enum(['plaintiff', 'defendant', 'prosecutor', 'applicant', 'respondent', 'third-party']);
export const caseParty = z.strictObject({ partyId, role: partyRole });
