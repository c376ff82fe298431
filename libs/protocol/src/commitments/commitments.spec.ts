import { ProtocolError } from '../errors/protocol-error.js';
import { checkDisclosure, checkFullData, commitData, parseDisclosure, redact } from './commitments.js';

const data = { parcelId: 'CAD-1', owner: 'person:42', area: '1200.50', tags: ['a', 'b'] };

describe('data commitments', () => {
  it('checks complete data with its salts', () => {
    const sut = commitData(data);
    expect(() => checkFullData(sut.disclosure.fields, sut.disclosure.salts, sut.datadigest)).not.toThrow();
  });

  it('uses a fresh salt per field, so the same data commits differently', () => {
    const a = commitData(data);
    const b = commitData(data);
    expect(a.datadigest).not.toBe(b.datadigest);
    expect(new Set(Object.values(a.disclosure.salts)).size).toBe(4);
  });

  it('a redacted view still checks against the signed digest', () => {
    const sut = commitData(data);
    const view = redact(sut.disclosure, ['parcelId', 'area']);
    expect(Object.keys(view.fields)).toEqual(['parcelId', 'area']);
    expect(Object.keys(view.withheld).sort()).toEqual(['owner', 'tags']);
    expect(() => checkDisclosure(view, sut.datadigest)).not.toThrow();
  });

  it.each([
    [
      'a changed value',
      (d: ReturnType<typeof commitData>) => ({ ...d.disclosure, fields: { ...d.disclosure.fields, area: '1200.51' } }),
    ],
    [
      'a changed salt',
      (d: ReturnType<typeof commitData>) => ({
        ...d.disclosure,
        salts: { ...d.disclosure.salts, owner: 'A'.repeat(22) },
      }),
    ],
    [
      'a dropped field',
      (d: ReturnType<typeof commitData>) =>
        redact(d.disclosure, ['parcelId', 'owner', 'area', 'tags', 'x']) && {
          ...d.disclosure,
          fields: { parcelId: 'CAD-1' },
        },
    ],
    [
      'a forged withheld commitment',
      (d: ReturnType<typeof commitData>) => {
        const view = redact(d.disclosure, ['parcelId']);
        return { ...view, withheld: { ...view.withheld, owner: 'f'.repeat(64) } };
      },
    ],
    [
      'a forged field in a redacted view',
      (d: ReturnType<typeof commitData>) => {
        const view = redact(d.disclosure, ['parcelId']);
        return { ...view, fields: { ...view.fields, parcelId: 'CAD-2' } };
      },
    ],
  ])('fails on %s', (_name, tamper) => {
    const committed = commitData(data);
    expect(() => checkDisclosure(tamper(committed) as never, committed.datadigest)).toThrow(ProtocolError);
  });

  it('refuses malformed disclosure objects with the reason', () => {
    expect(() => parseDisclosure({ fields: { a: 1 }, salts: {}, withheld: {} })).toThrow(/exactly one salt/);
    expect(() => parseDisclosure({ fields: {}, salts: {}, withheld: { a: 'zz' } })).toThrow(/64-hex/);
    expect(() => parseDisclosure({ fields: {}, salts: {}, withheld: {}, extra: 1 })).toThrow(/unknown member/);
    expect(() => parseDisclosure([])).toThrow(ProtocolError);
  });
});
