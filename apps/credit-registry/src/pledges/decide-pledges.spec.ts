import { specFor } from '@registry-bus/domain';

import { CreditErrorCode } from './credit-errors.js';
import { pledgeDecider } from './decide-pledges.js';
import type { Cause, LegalBasis, PledgeEvent } from './pledge-events.js';

const given = specFor(pledgeDecider);
const loan: LegalBasis = { documentType: 'loan-agreement', reference: 'L-77' };
const cause = (seq: string): Cause => ({
  chain: 'land',
  seq,
  eventId: `00000000-0000-4000-8000-00000000000${seq}`,
  hash: seq.repeat(64).slice(0, 64),
});

const requestedA: PledgeEvent = {
  type: 'gov.credit.pledge.requested.v1',
  data: {
    pledgeId: 'pledge-A',
    cadastralNumber: 'CAD-1',
    bankId: 'bank:A',
    loanId: 'loan-1',
    pledgor: 'person:1',
    basis: loan,
  },
};
const activeA: PledgeEvent = {
  type: 'gov.credit.pledge.activated.v1',
  data: { pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('4') },
};
const requestB = {
  kind: 'request-pledge' as const,
  pledgeId: 'pledge-B',
  cadastralNumber: 'CAD-1',
  bankId: 'bank:B',
  loanId: 'loan-2',
  pledgor: 'person:1',
  basis: loan,
};

describe('credit register: the pledges of a parcel', () => {
  it('records a requested pledge; it is not active yet', () => {
    given([])
      .when({
        kind: 'request-pledge',
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        bankId: 'bank:A',
        loanId: 'loan-1',
        pledgor: 'person:1',
        basis: loan,
      })
      .then([requestedA]);
  });

  it("activates the pledge only on the land registry's encumbrance entry, citing it", () => {
    given([requestedA])
      .when({ kind: 'record-land-encumbrance', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('4') })
      .then([activeA]);
  });

  it('records a replayed land entry once (no double reaction)', () => {
    given([requestedA, activeA])
      .when({ kind: 'record-land-encumbrance', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('4') })
      .then([]);
  });

  it("records the land registry's refusal with its reason", () => {
    given([requestedA])
      .when({
        kind: 'record-land-refusal',
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        reason: 'LAND.PARCEL_SEIZED',
        cause: cause('5'),
      })
      .then([
        {
          type: 'gov.credit.pledge.refused.v1',
          data: { pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', reason: 'LAND.PARCEL_SEIZED', cause: cause('5') },
        },
      ]);
  });

  it('refuses a second pledge of the parcel to another bank (the double-pledge fraud)', () => {
    given([requestedA, activeA])
      .when(requestB)
      .thenRefuses(CreditErrorCode.PARCEL_PLEDGED_ELSEWHERE, 'cadastralNumber');
  });

  it('counts a pledge still waiting for the land registry as binding', () => {
    given([requestedA]).when(requestB).thenRefuses(CreditErrorCode.PARCEL_PLEDGED_ELSEWHERE, 'cadastralNumber');
  });

  it("allows the second pledge after the first pledgee's signed consent entry", () => {
    const consent: PledgeEvent = {
      type: 'gov.credit.pledge.consent-given.v1',
      data: {
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        bankId: 'bank:A',
        to: 'second-pledge',
        counterparty: 'bank:B',
        basis: { documentType: 'consent-letter', reference: 'CL-1' },
      },
    };
    given([requestedA, activeA])
      .when({
        kind: 'give-consent',
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        bankId: 'bank:A',
        to: 'second-pledge',
        counterparty: 'bank:B',
        basis: consent.data.basis,
      })
      .then([consent]);
    const { kind: _kind, ...requestedB } = requestB;
    given([requestedA, activeA, consent])
      .when(requestB)
      .then([{ type: 'gov.credit.pledge.requested.v1', data: requestedB }]);
  });

  it('lets only the pledgee consent or release', () => {
    given([requestedA, activeA])
      .when({
        kind: 'give-consent',
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        bankId: 'bank:B',
        to: 'second-pledge',
        counterparty: 'bank:B',
        basis: loan,
      })
      .thenRefuses(CreditErrorCode.NOT_PLEDGEE, 'bankId');
    given([requestedA, activeA])
      .when({ kind: 'request-release', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', bankId: 'bank:B', basis: loan })
      .thenRefuses(CreditErrorCode.NOT_PLEDGEE, 'bankId');
  });

  it('releases in two steps: requested here, released on the land registry lifting the encumbrance', () => {
    const requested: PledgeEvent = {
      type: 'gov.credit.pledge.release-requested.v1',
      data: {
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        basis: { documentType: 'repayment-receipt', reference: 'R-1' },
      },
    };
    given([requestedA, activeA])
      .when({
        kind: 'request-release',
        pledgeId: 'pledge-A',
        cadastralNumber: 'CAD-1',
        bankId: 'bank:A',
        basis: requested.data.basis,
      })
      .then([requested]);
    given([requestedA, activeA, requested])
      .when({ kind: 'record-land-lift', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('9') })
      .then([
        {
          type: 'gov.credit.pledge.released.v1',
          data: { pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('9') },
        },
      ]);
  });

  it("refuses a land lift of a pledge its bank never released (a land clerk's hand, a stolen land key)", () => {
    given([requestedA, activeA])
      .when({ kind: 'record-land-lift', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', cause: cause('9') })
      .thenRefuses(CreditErrorCode.WRONG_PLEDGE_STATUS, 'pledgeId');
  });

  it('refuses to release a pledge that is not active', () => {
    given([requestedA])
      .when({ kind: 'request-release', pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', bankId: 'bank:A', basis: loan })
      .thenRefuses(CreditErrorCode.WRONG_PLEDGE_STATUS, 'pledgeId');
  });

  it('records a land transfer of a pledged parcel as a change of pledgor', () => {
    given([requestedA, activeA])
      .when({
        kind: 'record-land-transfer',
        cadastralNumber: 'CAD-1',
        from: 'person:1',
        to: 'person:2',
        cause: cause('7'),
      })
      .then([
        {
          type: 'gov.credit.pledge.pledgor-changed.v1',
          data: { pledgeId: 'pledge-A', cadastralNumber: 'CAD-1', from: 'person:1', to: 'person:2', cause: cause('7') },
        },
      ]);
  });

  it('refuses new pledges after a court pledge ban', () => {
    const ban: PledgeEvent = {
      type: 'gov.credit.parcel.pledge-ban-recorded.v1',
      data: { cadastralNumber: 'CAD-1', cause: { ...cause('3'), chain: 'court' } },
    };
    given([ban])
      .when({ ...requestB, bankId: 'bank:A' })
      .thenRefuses(CreditErrorCode.PLEDGE_BANNED, 'cadastralNumber');
  });
});
