import {
  GrantBook,
  authorizeQuery as grantsAuthorizeQuery,
  type Grant,
  type QueryAuthorization,
} from '@registry-bus/access';
import { entriesWithFields } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

/**
 * The grants `owner` gave, revoked ones marked, as its ledger's own grant
 * entries say — append-only, hash-chained and signed — never as
 * aggregate_state says, a projection the app's database login can rewrite
 * (#27). A sharded ledger holds every grant in every shard; its first chain
 * is read.
 */
export async function grantsGiven(dataSource: Pick<DataSource, 'query'>, owner: string): Promise<Grant[]> {
  const entries = await entriesWithFields(dataSource, { department: owner, typeLike: `gov.${owner}.access.grant-%` });
  const book = new GrantBook();
  const chain = entries[0]?.chain ?? owner;
  for (const entry of entries)
    if (entry.chain === chain && entry.fields) book.apply(owner, entry.seq, entry.type, entry.fields, chain);
  return book.givenBy(owner);
}

/**
 * What the grants this department gave allow `requester` of `eventType`
 * now, under the rule of libs/access (the one its consumer applies to the
 * stream), decided from the ledger (`grantsGiven`): a grant widened, revived
 * or invented in aggregate_state changes no answer (access-rights.spec).
 */
export async function authorizeQuery(
  dataSource: Pick<DataSource, 'query'>,
  owner: string,
  requester: string,
  eventType: string,
  now = new Date(),
): Promise<QueryAuthorization> {
  const active = (await grantsGiven(dataSource, owner)).filter(
    (grant) => grant.grantee === requester && !grant.revoked,
  );
  return grantsAuthorizeQuery(active, owner, requester, eventType, now);
}
