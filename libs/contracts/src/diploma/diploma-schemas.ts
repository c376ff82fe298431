import { z } from 'zod';

/** Field shapes of the diploma register, shared by its REST requests and its event types. */
export const institutionId = z
  .string()
  .regex(/^inst:[a-z0-9][a-z0-9-]{0,62}$/, 'must be an institution id such as "inst:tsu"');
export const diplomaNumber = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9/-]{2,39}$/, 'must be a diploma number: 3 to 40 upper-case letters, digits, / -');
export const degree = z.enum(['certificate', 'diploma', 'bachelor', 'master', 'doctor']);
export const calendarDate = z.iso.date('must be a date, YYYY-MM-DD');
export const personName = z.string().trim().min(1).max(200);
export const programme = z.string().trim().min(1).max(300);
