import { grantCovers, grantsCovering } from './grant-rule.js';

const grant = {
  eventTypes: ['gov.land.parcel.*', 'gov.land.encumbrance.registered.v1'],
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-07-01T00:00:00.000Z',
};
const inWindow = new Date('2026-03-01T00:00:00.000Z');

describe('the grant rule', () => {
  it('covers a type matching a pattern ending in .* inside the window', () => {
    expect(grantCovers(grant, 'gov.land.parcel.transferred.v1', inWindow)).toBe(true);
  });

  it('covers an exact type, and not its neighbours', () => {
    expect(grantCovers(grant, 'gov.land.encumbrance.registered.v1', inWindow)).toBe(true);
    expect(grantCovers(grant, 'gov.land.encumbrance.released.v1', inWindow)).toBe(false);
    expect(grantCovers(grant, 'gov.land.access.grant-issued.v1', inWindow)).toBe(false);
  });

  it('counts from validFrom, inclusive, until validUntil, exclusive', () => {
    const type = 'gov.land.parcel.registered.v1';
    expect(grantCovers(grant, type, new Date('2025-12-31T23:59:59.999Z'))).toBe(false);
    expect(grantCovers(grant, type, new Date('2026-01-01T00:00:00.000Z'))).toBe(true);
    expect(grantCovers(grant, type, new Date('2026-06-30T23:59:59.999Z'))).toBe(true);
    expect(grantCovers(grant, type, new Date('2026-07-01T00:00:00.000Z'))).toBe(false);
  });

  it('has no end without validUntil', () => {
    const { validUntil: _validUntil, ...open } = grant;
    expect(grantCovers(open, 'gov.land.parcel.registered.v1', new Date('2099-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('keeps the covering grants in their order', () => {
    const sut = [
      { ...grant, grantId: 'g-2' },
      { ...grant, grantId: 'g-3', eventTypes: ['gov.land.encumbrance.*'] },
      { ...grant, grantId: 'g-1' },
    ];
    expect(grantsCovering(sut, 'gov.land.parcel.registered.v1', inWindow).map((g) => g.grantId)).toEqual([
      'g-2',
      'g-1',
    ]);
  });
});
