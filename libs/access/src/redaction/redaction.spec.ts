import { grantedFields, redactionReason, removedByGrants, withinFields } from './redaction.js';

describe('the redaction rule', () => {
  it('gives every field when one covering grant gives *', () => {
    expect(grantedFields([{ fields: ['area'] }, { fields: '*' }])).toBe('*');
  });

  it('gives the union of the covering grants’ lists, sorted, each once', () => {
    expect(grantedFields([{ fields: ['parcelId', 'area'] }, { fields: ['area', 'cadastralNumber'] }])).toEqual([
      'area',
      'cadastralNumber',
      'parcelId',
    ]);
  });

  it('gives no field without a covering grant', () => {
    expect(grantedFields([])).toEqual([]);
  });

  it('keeps only the granted top-level fields of an answer', () => {
    const answer = { parcelId: 'P-1', owner: 'Ana', pledged: true };
    expect(withinFields(answer, ['parcelId', 'pledged', 'area'])).toEqual({ parcelId: 'P-1', pledged: true });
    expect(withinFields(answer, '*')).toBe(answer);
    expect(withinFields(answer, [])).toEqual({});
  });

  it('counts as removed only what the grants withheld, not what the owner withheld itself', () => {
    expect(removedByGrants({ owner: 'c1' }, { owner: 'c1', taxId: 'c2', area: 'c3' })).toEqual(['area', 'taxId']);
    expect(removedByGrants({ owner: 'c1' }, { owner: 'c1' })).toEqual([]);
  });

  it('says which fields the grants allow', () => {
    expect(redactionReason(['area', 'parcelId'])).toBe('the grants allow only: area, parcelId');
    expect(redactionReason([])).toBe('the grants allow only: no fields');
  });
});
