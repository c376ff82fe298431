import { personalFieldsOfEntries } from './personal-data.js';

const personal: Record<string, readonly string[]> = {
  'gov.land.parcel.registered.v1': ['owners'],
  'gov.land.parcel.transferred.v1': ['from', 'to'],
  'gov.land.access.grant-issued.v1': [],
};
const entry = (type: string, subject: string, fields: Record<string, unknown> | null) => ({
  envelope: { type, subject },
  data: fields ? { fields } : null,
});

describe('personalFieldsOfEntries', () => {
  it('names per subject the personal fields the answer disclosed, and nothing for public or withheld data', () => {
    const sut = personalFieldsOfEntries(
      [
        entry('gov.land.parcel.registered.v1', 'P-1', { owners: [], areaSquareMetres: '1' }),
        entry('gov.land.parcel.transferred.v1', 'P-1', { to: [], basis: {} }),
        entry('gov.land.parcel.registered.v1', 'P-2', { areaSquareMetres: '1' }),
        entry('gov.land.parcel.transferred.v1', 'P-3', null),
        entry('gov.land.access.grant-issued.v1', 'grant-1', { grantee: 'credit' }),
      ],
      (type) => personal[type] ?? [],
    );
    expect(sut).toEqual([{ subject: 'P-1', fields: ['owners', 'to'] }]);
  });
});
