import type { QueryAuthorization } from '@registry-bus/bus';
import { typeMatches } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { grantAggregate } from '../access/grant-aggregate.js';
import type { GrantState } from '../access/grant-decider.js';

/**
 * What the grants this department gave allow `requester` of `eventType`
 * now: the same rule the requester's consumer applies to the stream
 * (active, in its window, a matching pattern; `*` or the union of fields).
 */
export async function authorizeQuery(
  dataSource: Pick<DataSource, 'query'>,
  owner: string,
  requester: string,
  eventType: string,
  now = new Date(),
): Promise<QueryAuthorization> {
  const rows: Array<{ state: GrantState }> = await dataSource.query(
    `SELECT state FROM aggregate_state WHERE aggregate = $1 AND state->>'status' = 'active' AND state->'grant'->>'grantee' = $2`,
    [grantAggregate.name, requester],
  );
  const at = now.getTime();
  const covering = rows
    .map((row) => row.state)
    .filter((state): state is Exclude<GrantState, { status: 'none' }> => state.status === 'active')
    .map((state) => state.grant)
    .filter(
      (grant) =>
        Date.parse(grant.validFrom) <= at &&
        (grant.validUntil === undefined || at < Date.parse(grant.validUntil)) &&
        grant.eventTypes.some((pattern) => typeMatches(pattern, eventType)),
    );
  if (covering.length === 0) {
    return { kind: 'deny', reason: `${owner} has granted ${requester} nothing that covers ${eventType}` };
  }
  if (covering.some((grant) => grant.fields === '*')) return { kind: 'allow', fields: '*' };
  return { kind: 'allow', fields: [...new Set(covering.flatMap((grant) => grant.fields as string[]))].sort() };
}
