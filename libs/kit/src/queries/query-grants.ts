import { authorizeQuery as grantsAuthorizeQuery, type GrantState, type QueryAuthorization } from '@registry-bus/access';
import type { DataSource } from 'typeorm';

import { grantAggregate } from '../access/grant-aggregate.js';

/**
 * What the grants this department gave allow `requester` of `eventType`
 * now: its active grants to the requester, as aggregate_state holds them,
 * under the rule of libs/access (the one its consumer applies to the stream).
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
  const active = rows
    .map((row) => row.state)
    .filter((state): state is Exclude<GrantState, { status: 'none' }> => state.status === 'active')
    .map((state) => state.grant);
  return grantsAuthorizeQuery(active, owner, requester, eventType, now);
}
