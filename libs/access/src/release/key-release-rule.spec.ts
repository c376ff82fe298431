import { grantIssuedType, grantRevokedType } from '../grants/grant.js';
import { releasableFields } from './key-release-rule.js';

const type = 'gov.land.parcel.registered.v1';
const time = new Date('2026-06-01T00:00:00.000Z');
const grant = (grantId: string, grantee: string, fields: '*' | string[]) => ({
  grantId,
  grantee,
  eventTypes: [type],
  fields,
  purpose: 'pledges',
  validFrom: '2026-01-01T00:00:00.000Z',
});
const sealed = ['area', 'owners'];
const candidate = (seq: number) => ({ seq, type, time, sealed });

describe('releasableFields (issue #28)', () => {
  it('releases exactly the granted fields, from the entry after the grant up to its revocation', () => {
    const grants = [
      { seq: 3, type: grantIssuedType('land'), data: grant('g-1', 'credit', ['owners', 'cadastralNumber']) },
      { seq: 6, type: grantRevokedType('land'), data: { grantId: 'g-1', reason: 'ended' } },
    ];
    expect(releasableFields('land', 'credit', 'land', grants, [2, 4, 5, 7].map(candidate))).toEqual([
      { seq: 4, fields: ['owners'] },
      { seq: 5, fields: ['owners'] },
    ]);
  });

  it('gives another grantee nothing, and a * grant every sealed field', () => {
    const grants = [{ seq: 1, type: grantIssuedType('land'), data: grant('g-2', 'court', '*') }];
    expect(releasableFields('land', 'credit', 'land', grants, [candidate(2)])).toEqual([]);
    expect(releasableFields('land', 'court', 'land', grants, [candidate(2)])).toEqual([{ seq: 2, fields: sealed }]);
  });
});
