import {
  coversPath,
  grantedFields,
  redactionReason,
  removedByGrants,
  withinFields,
  withinSources,
} from './redaction.js';

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

  it('covers a path by *, by the path itself, or by a field it lies inside — never by a field inside it', () => {
    expect(coversPath('*', 'owners.ownerId')).toBe(true);
    expect(coversPath(['owners'], 'owners.ownerId')).toBe(true);
    expect(coversPath(['owners.share'], 'owners.share')).toBe(true);
    expect(coversPath(['owners.share'], 'owners')).toBe(false);
    expect(coversPath(['owners.share'], 'owners.ownerId')).toBe(false);
    expect(coversPath(['own'], 'owners')).toBe(false);
  });

  describe('answers built by field path', () => {
    const sources = {
      cadastralNumber: [{ type: 'registered', path: 'cadastralNumber' }],
      'encumbrances.encumbranceId': [{ type: 'added', path: 'encumbranceId' }],
      'encumbrances.consents.to': [{ type: 'consent', path: 'to' }],
      'encumbrances.consents.counterparty': [{ type: 'consent', path: 'counterparty' }],
    };
    const answer = {
      cadastralNumber: 'C-1',
      owners: [{ ownerId: 'person:1' }],
      encumbrances: [{ encumbranceId: 'P-1', consents: [{ to: 'transfer', counterparty: 'person:2' }] }],
    };

    it('a grant of a top-level key gives no nested field whose own entry is not granted', () => {
      const sut = withinSources(answer, sources, (type) =>
        type === 'registered' ? ['cadastralNumber', 'encumbrances'] : [],
      );
      expect(sut).toEqual({ answer: { cadastralNumber: 'C-1' }, given: ['cadastralNumber'] });
    });

    it('gives a nested field when its entry type and path are granted, and only that one', () => {
      const sut = withinSources(answer, sources, (type) => (type === 'added' ? '*' : type === 'consent' ? ['to'] : []));
      expect(sut).toEqual({
        answer: { encumbrances: [{ encumbranceId: 'P-1', consents: [{ to: 'transfer' }] }] },
        given: ['encumbrances.consents.to', 'encumbrances.encumbranceId'],
      });
    });

    it('never gives a field with no declared source, even under *', () => {
      expect(withinSources(answer, sources, () => '*').answer.owners).toBeUndefined();
    });
  });
});
