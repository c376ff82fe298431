import { ConsumerSchema1764000001000 } from './1764000001000-consumer-schema.js';

/** The consumer's migrations; they run after the ledger's (they reuse its guard function). */
export const consumerMigrations = [ConsumerSchema1764000001000];
