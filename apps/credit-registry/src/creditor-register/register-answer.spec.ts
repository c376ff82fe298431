import { DomainError } from '@registry-bus/domain';

import type { ApplicationState } from '../applications/decide-application.js';
import { CreditErrorCode } from '../pledges/credit-errors.js';
import type { ParcelPledges } from '../pledges/parcel-pledges.js';
import { amountBand } from './amount-band.js';
import { assertPermissiblePurpose } from './permissible-purpose.js';
import { pledgesInForce, registerAnswer, searchAuditDetail, type RegisterPledge } from './register-answer.js';

describe('amountBand', () => {
  it.each([
    ['0.00', '0.00', '1000.00'],
    ['999.99', '0.00', '1000.00'],
    ['1000.00', '1000.00', '10000.00'],
    ['9999.99', '1000.00', '10000.00'],
    ['250000.00', '100000.00', '1000000.00'],
    ['1000000.00', '1000000.00', '10000000.00'],
    ['9999999999999999.99', '1000000000000000.00', '10000000000000000.00'],
  ])('puts %s in [%s, %s)', (amount, from, below) => {
    expect(amountBand(amount, 'GEL')).toEqual({ currency: 'GEL', from, below });
  });

  it('refuses what is not an amount with two decimals', () => {
    expect(() => amountBand('1e6', 'GEL')).toThrow('not an amount with two decimals: "1e6"');
  });
});

const pledge = (overrides: Partial<RegisterPledge> & Pick<RegisterPledge, 'pledgeId' | 'bankId'>): RegisterPledge => ({
  asset: 'CAD-1',
  loan: { borrower: 'person:1', amount: '250000.00', currency: 'GEL' },
  activation: { seq: 10, time: new Date('2026-04-02T23:30:00.000Z') },
  ...overrides,
});

describe('registerAnswer', () => {
  const alpha = pledge({ pledgeId: 'P-A', bankId: 'bank:alpha' });
  const betaSecond = pledge({
    pledgeId: 'P-B',
    bankId: 'bank:beta',
    loan: { borrower: 'person:2', amount: '5000.00', currency: 'USD' },
    activation: { seq: 14, time: new Date('2026-05-01T08:00:00.000Z') },
  });

  it("shows another bank's pledge as exactly its existence, asset, amount band, rank and date", () => {
    const [sut] = registerAnswer([alpha], 'bank:beta');
    expect(sut).toStrictEqual({
      exists: true,
      asset: 'CAD-1',
      amountBand: { currency: 'GEL', from: '100000.00', below: '1000000.00' },
      rank: 1,
      date: '2026-04-02',
    });
  });

  it("shows the caller's own pledge banded as well, with its id", () => {
    expect(registerAnswer([alpha, betaSecond], 'bank:beta')).toStrictEqual([
      {
        exists: true,
        asset: 'CAD-1',
        amountBand: { currency: 'GEL', from: '100000.00', below: '1000000.00' },
        rank: 1,
        date: '2026-04-02',
      },
      {
        exists: true,
        asset: 'CAD-1',
        amountBand: { currency: 'USD', from: '1000.00', below: '10000.00' },
        rank: 2,
        date: '2026-05-01',
        pledgeId: 'P-B',
      },
    ]);
  });

  it('ranks by activation within each parcel, over every bank, before the question keeps its pledges', () => {
    const other = pledge({ pledgeId: 'P-C', bankId: 'bank:gamma', asset: 'CAD-0', activation: null });
    const sut = registerAnswer([betaSecond, other, alpha], 'bank:delta', (p) => p.loan?.borrower === 'person:2');
    expect(sut).toStrictEqual([
      {
        exists: true,
        asset: 'CAD-1',
        amountBand: { currency: 'USD', from: '1000.00', below: '10000.00' },
        rank: 2,
        date: '2026-05-01',
      },
    ]);
    expect(registerAnswer([other], 'bank:delta')).toStrictEqual([
      {
        exists: true,
        asset: 'CAD-0',
        amountBand: { currency: 'GEL', from: '100000.00', below: '1000000.00' },
        rank: 1,
        date: null,
      },
    ]);
  });

  it('answers no band for a loan whose data was erased', () => {
    expect(
      registerAnswer([pledge({ pledgeId: 'P-E', bankId: 'bank:alpha', loan: null })], 'bank:beta')[0],
    ).toMatchObject({ amountBand: null });
  });
});

describe('pledgesInForce', () => {
  it('keeps the active pledges and those released but not lifted yet', () => {
    const base = { bankId: 'bank:alpha', pledgor: 'person:1', consents: [] };
    const state: ParcelPledges = {
      pledgeBanned: false,
      pledges: [
        { ...base, pledgeId: 'requested', status: 'requested' },
        { ...base, pledgeId: 'active', status: 'active' },
        { ...base, pledgeId: 'refused', status: 'refused' },
        { ...base, pledgeId: 'release-requested', status: 'release-requested' },
        { ...base, pledgeId: 'released', status: 'released' },
      ],
    };
    expect(pledgesInForce(state).map((p) => p.pledgeId)).toEqual(['active', 'release-requested']);
  });
});

describe('assertPermissiblePurpose', () => {
  const open: ApplicationState = {
    status: 'open',
    applicationId: 'APP-1',
    bankId: 'bank:beta',
    borrower: 'person:1',
    assets: ['CAD-1'],
    openedAt: '2026-05-01T09:00:00.000Z',
    closedAt: null,
    outcome: null,
  };
  const refusal = (run: () => void) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const { code, field, kind, message } = error as DomainError;
      return { code, field, kind, message };
    }
    throw new Error('not refused');
  };
  const refused = (message: string) => ({
    code: CreditErrorCode.PURPOSE_NOT_PERMISSIBLE,
    field: 'purpose',
    kind: 'forbidden',
    message,
  });

  it('accepts an open application of the bank naming the borrower or the asset asked', () => {
    expect(() => assertPermissiblePurpose(open, 'bank:beta', 'APP-1', { asset: 'CAD-1' })).not.toThrow();
    expect(() => assertPermissiblePurpose(open, 'bank:beta', 'APP-1', { borrower: 'person:1' })).not.toThrow();
  });

  it('refuses an application that is not the bank’s, a closed one, and one that does not name what is asked', () => {
    expect(
      refusal(() => assertPermissiblePurpose({ status: 'none' }, 'bank:beta', 'APP-9', { asset: 'CAD-1' })),
    ).toEqual(refused('APP-9 is not a credit application of bank:beta'));
    expect(refusal(() => assertPermissiblePurpose(open, 'bank:alpha', 'APP-1', { asset: 'CAD-1' }))).toEqual(
      refused('APP-1 is not a credit application of bank:alpha'),
    );
    const closed: ApplicationState = {
      ...open,
      status: 'closed',
      closedAt: '2026-05-02T00:00:00.000Z',
      outcome: 'granted',
    };
    expect(refusal(() => assertPermissiblePurpose(closed, 'bank:beta', 'APP-1', { asset: 'CAD-1' }))).toEqual(
      refused('credit application APP-1 of bank:beta was closed at 2026-05-02T00:00:00.000Z'),
    );
    expect(refusal(() => assertPermissiblePurpose(open, 'bank:beta', 'APP-1', { asset: 'CAD-2' }))).toEqual(
      refused('credit application APP-1 of bank:beta does not name asset CAD-2'),
    );
    expect(refusal(() => assertPermissiblePurpose(open, 'bank:beta', 'APP-1', { borrower: 'person:2' }))).toEqual(
      refused('credit application APP-1 of bank:beta does not name borrower person:2'),
    );
  });
});

describe('searchAuditDetail', () => {
  it('names the purpose, the question and how many answers, of other banks too', () => {
    const answers = registerAnswer(
      [pledge({ pledgeId: 'P-A', bankId: 'bank:alpha' }), pledge({ pledgeId: 'P-B', bankId: 'bank:beta' })],
      'bank:beta',
    );
    expect(searchAuditDetail('credit application APP-1 of bank:beta', 'asset CAD-1', answers)).toBe(
      'creditor-register search: purpose credit application APP-1 of bank:beta; asked asset CAD-1; answers 2, of other banks 1',
    );
  });
});
