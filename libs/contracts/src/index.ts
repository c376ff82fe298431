export { causeSchema, clientId, legalBasisSchema, partyId } from './common-schemas.js';
export { domainEventTypes } from './all-domain-event-types.js';
export { area, cadastralNumber, consentTo, encumbranceKind, ownership, owners, share } from './land/land-schemas.js';
export { landEventTypes } from './land/land-event-types.js';
export { applicationOutcome, bankId, currency, loanKind, money } from './credit/credit-schemas.js';
export { creditEventTypes } from './credit/credit-event-types.js';
export {
  calendarDate,
  degree,
  diplomaNumber,
  institutionId,
  personName,
  programme,
} from './diploma/diploma-schemas.js';
export { diplomaEventTypes } from './diploma/diploma-event-types.js';
export { caseNumber, caseParty, judgmentId, partyRole } from './court/court-schemas.js';
export { courtEventTypes } from './court/court-event-types.js';
export { isin, issuerId, quantity, ratePercent } from './bond/bond-schemas.js';
export { bondEventTypes } from './bond/bond-event-types.js';
