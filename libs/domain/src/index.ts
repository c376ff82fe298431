export { DomainError, assertNever } from './domain-error.js';
export {
  ONE,
  ZERO,
  addFractions,
  compareFractions,
  formatFraction,
  parseFraction,
  subtractFractions,
  type Fraction,
} from './fractions.js';
export { specFor, type Decider } from './given-when-then.js';
export { LEGAL_DOCUMENT_TYPES, type Cause, type LegalBasis, type LegalDocumentType } from './legal-basis.js';
