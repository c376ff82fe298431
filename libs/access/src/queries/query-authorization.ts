import { grantsCovering } from '../grants/grant-rule.js';
import type { GrantIssuedData } from '../grants/grant.js';
import { grantedFields, type GrantedFields } from '../redaction/redaction.js';

export type QueryAuthorization = { kind: 'allow'; fields: GrantedFields } | { kind: 'deny'; reason: string };

/**
 * What the grants `owner` gave `requester` (its active, unrevoked ones)
 * allow it of `eventType` now: the same rule the requester's consumer applies
 * to the stream (in its window, a matching pattern; `*` or the union of fields).
 */
export function authorizeQuery(
  activeGrants: Iterable<GrantIssuedData>,
  owner: string,
  requester: string,
  eventType: string,
  now: Date,
): QueryAuthorization {
  const covering = grantsCovering(activeGrants, eventType, now);
  if (covering.length === 0) {
    return { kind: 'deny', reason: `${owner} has granted ${requester} nothing that covers ${eventType}` };
  }
  return { kind: 'allow', fields: grantedFields(covering) };
}
