import { CreditReadModels1764000010000 } from './1764000010000-credit-read-models.js';

export const creditMigrations = [CreditReadModels1764000010000];
