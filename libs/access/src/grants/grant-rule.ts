import { typeMatches } from '@registry-bus/protocol';

import type { GrantIssuedData } from './grant.js';

type GrantTerms = Pick<GrantIssuedData, 'eventTypes' | 'validFrom' | 'validUntil'>;

/**
 * The grant rule, the one both the stream (each follower's policy) and the
 * queries apply: a grant covers an event type at a time when the time is in
 * its window [validFrom, validUntil) and one of its patterns matches the type.
 * Who it is for and whether it was revoked is the caller's to filter.
 */
export function grantCovers(grant: GrantTerms, eventType: string, at: Date): boolean {
  const time = at.getTime();
  return (
    Date.parse(grant.validFrom) <= time &&
    (grant.validUntil === undefined || time < Date.parse(grant.validUntil)) &&
    grant.eventTypes.some((pattern) => typeMatches(pattern, eventType))
  );
}

/** The grants of `grants` that cover `eventType` at `at`, in their order. */
export function grantsCovering<G extends GrantTerms>(grants: Iterable<G>, eventType: string, at: Date): G[] {
  return [...grants].filter((grant) => grantCovers(grant, eventType, at));
}
