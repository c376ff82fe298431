import type { GrantIssuedData } from '../grants/grant.js';
import { authorizeQuery } from './query-authorization.js';

const grant = (grantId: string, fields: GrantIssuedData['fields'], eventTypes = ['gov.land.parcel.*']) => ({
  grantId,
  grantee: 'credit',
  eventTypes,
  fields,
  purpose: 'pledges',
  validFrom: '2026-01-01T00:00:00.000Z',
});
const now = new Date('2026-06-01T00:00:00.000Z');
const type = 'gov.land.parcel.registered.v1';

describe('query grants', () => {
  it('refuses a requester no active grant covers, naming owner, requester and type', () => {
    expect(authorizeQuery([grant('g-1', '*', ['gov.land.encumbrance.*'])], 'land', 'credit', type, now)).toEqual({
      kind: 'deny',
      reason: 'land has granted credit nothing that covers gov.land.parcel.registered.v1',
    });
  });

  it('allows every field under a * grant', () => {
    expect(authorizeQuery([grant('g-1', ['area']), grant('g-2', '*')], 'land', 'credit', type, now)).toEqual({
      kind: 'allow',
      fields: '*',
    });
  });

  it('allows the union of the covering grants’ fields', () => {
    const grants = [
      grant('g-1', ['parcelId']),
      grant('g-2', ['area', 'parcelId']),
      grant('g-3', ['x'], ['gov.land.x.*']),
    ];
    expect(authorizeQuery(grants, 'land', 'credit', type, now)).toEqual({
      kind: 'allow',
      fields: ['area', 'parcelId'],
    });
  });

  it('refuses before the window opens', () => {
    expect(authorizeQuery([grant('g-1', '*')], 'land', 'credit', type, new Date('2025-12-31T00:00:00.000Z')).kind).toBe(
      'deny',
    );
  });
});
