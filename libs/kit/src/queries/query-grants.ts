import { GrantBook, authorizeQuery as grantsAuthorizeQuery, type QueryAuthorization } from '@registry-bus/access';
import { entriesWithFields } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

/**
 * What the grants this department gave allow `requester` of `eventType`
 * now, under the rule of libs/access (the one its consumer applies to the
 * stream). Decided from the ledger's own grant entries — append-only,
 * hash-chained and signed — never from aggregate_state, a projection the
 * app's database login can rewrite: a widened or revived grant written
 * there changes no answer (#27, access-rights.spec). A sharded ledger holds
 * every grant in every shard; its first chain decides.
 */
export async function authorizeQuery(
  dataSource: Pick<DataSource, 'query'>,
  owner: string,
  requester: string,
  eventType: string,
  now = new Date(),
): Promise<QueryAuthorization> {
  const entries = await entriesWithFields(dataSource, { department: owner, typeLike: `gov.${owner}.access.grant-%` });
  const book = new GrantBook();
  const chain = entries[0]?.chain ?? owner;
  for (const entry of entries)
    if (entry.chain === chain && entry.fields) book.apply(owner, entry.seq, entry.type, entry.fields, chain);
  const active = book.receivedBy(requester).filter((grant) => !grant.revoked);
  return grantsAuthorizeQuery(active, owner, requester, eventType, now);
}
