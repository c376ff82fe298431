import { z } from 'zod';

/** Which chain of a sharded ledger (`land/1`); optional when the ledger has one chain (Ledger.chainOrOnly decides). */
export const chainField = z.string().max(80).optional();
export const chainQuery = z.strictObject({ chain: chainField });
