import { GrantBook } from './grant-book.js';
import { grantIssuedType, grantRevokedType } from '../grants/grant.js';

const issued = (grantId: string) => ({
  grantId,
  grantee: 'credit',
  eventTypes: ['gov.land.parcel.*'],
  fields: '*' as const,
  purpose: 'pledges',
  validFrom: '2026-01-01T00:00:00.000Z',
});
const at = new Date('2026-06-01T00:00:00.000Z');
const type = 'gov.land.parcel.registered.v1';

describe('GrantBook', () => {
  it('decides by the grants of the entry’s own chain: a shard that has not carried the grant yet denies', () => {
    const book = new GrantBook();
    book.apply('land', 3, grantIssuedType('land'), issued('g-1'), 'land/0');
    expect(book.decide('land', 'credit', type, at, 'land/0')).toEqual({ kind: 'allow', grantIds: ['g-1'] });
    // The same follower, deciding an entry of land/1 before land/1's copy of the grant: default deny.
    expect(book.decide('land', 'credit', type, at, 'land/1').kind).toBe('deny');
    book.apply('land', 7, grantIssuedType('land'), issued('g-1'), 'land/1');
    expect(book.decide('land', 'credit', type, at, 'land/1')).toEqual({ kind: 'allow', grantIds: ['g-1'] });
  });

  it('revokes per chain, keeps the broker pair until every shard has revoked, and lists a grant once', () => {
    const book = new GrantBook();
    for (const [scope, seq] of [
      ['land/0', 3],
      ['land/1', 7],
    ] as const)
      book.apply('land', seq, grantIssuedType('land'), issued('g-1'), scope);
    book.apply('land', 4, grantRevokedType('land'), { grantId: 'g-1', reason: 'ended' }, 'land/0');
    expect(book.decide('land', 'credit', type, at, 'land/0').kind).toBe('deny');
    expect(book.decide('land', 'credit', type, at, 'land/1').kind).toBe('allow');
    expect(book.activePairs()).toEqual([{ owner: 'land', grantee: 'credit' }]);
    expect(book.receivedBy('credit').map((grant) => grant.grantId)).toEqual(['g-1']);
    book.apply('land', 8, grantRevokedType('land'), { grantId: 'g-1', reason: 'ended' }, 'land/1');
    expect(book.activePairs()).toEqual([]);
  });

  it('keeps an unsharded owner’s grants under the owner itself (the scope defaults to it)', () => {
    const book = new GrantBook();
    book.apply('land', 1, grantIssuedType('land'), issued('g-2'));
    expect(book.decide('land', 'credit', type, at).kind).toBe('allow');
    expect(book.decide('land', 'credit', type, at, 'land').kind).toBe('allow');
  });
});
