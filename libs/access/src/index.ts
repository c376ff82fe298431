// Access in one place (issue 21): the grants and their rule, the grant book,
// the consumer's policy, query grants, the redaction rule and who gets a
// mirror. The pipeline (libs/bus), the queries and the mirrors (libs/kit) use it.
export { grantIssuedType, grantRevokedType, isGrantEntry, type Grant, type GrantIssuedData } from './grants/grant.js';
export { grantCovers, grantsCovering } from './grants/grant-rule.js';
export {
  AccessErrorCode,
  decideGrant,
  evolveGrant,
  grantDecider,
  type GrantCommand,
  type GrantEvent,
  type GrantState,
} from './grants/grant-decider.js';
export { GrantBook, type GrantDecision } from './book/grant-book.js';
export { allowEverything, type AccessDecision, type AccessPolicy, type GovernedEntry } from './policy/access-policy.js';
export { GrantPolicy } from './policy/grant-policy.js';
export { authorizeQuery, type QueryAuthorization } from './queries/query-authorization.js';
export {
  grantedFields,
  redactionReason,
  coversPath,
  removedByGrants,
  withinFields,
  withinSources,
  type AnswerSources,
  type FieldSource,
  type GrantedFields,
} from './redaction/redaction.js';
export { mayReadMirror } from './mirror/mirror-access.js';
export { releasableFields, type GrantEntryAt, type ReleaseCandidate } from './release/key-release-rule.js';
