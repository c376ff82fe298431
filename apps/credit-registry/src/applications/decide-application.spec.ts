import { specFor } from '@registry-bus/domain';

import { CreditErrorCode } from '../pledges/credit-errors.js';
import type { ApplicationEvent } from './application-events.js';
import { applicationDecider, evolveApplication, initialApplicationState } from './decide-application.js';

const given = specFor(applicationDecider);
const signed = { documentType: 'credit-application' as const, reference: 'CA-1' };
const open = {
  kind: 'open-application' as const,
  applicationId: 'APP-1',
  bankId: 'bank:beta',
  borrower: 'person:1',
  assets: ['CAD-1'],
  openedAt: '2026-05-01T09:00:00.000Z',
  basis: signed,
};
const opened: ApplicationEvent = {
  type: 'gov.credit.application.opened.v1',
  data: {
    applicationId: 'APP-1',
    bankId: 'bank:beta',
    borrower: 'person:1',
    assets: ['CAD-1'],
    openedAt: '2026-05-01T09:00:00.000Z',
    basis: signed,
  },
};
const close = {
  kind: 'close-application' as const,
  applicationId: 'APP-1',
  bankId: 'bank:beta',
  outcome: 'declined' as const,
  closedAt: '2026-05-03T10:00:00.000Z',
  basis: signed,
};
const closed: ApplicationEvent = {
  type: 'gov.credit.application.closed.v1',
  data: {
    applicationId: 'APP-1',
    bankId: 'bank:beta',
    outcome: 'declined',
    closedAt: '2026-05-03T10:00:00.000Z',
    basis: signed,
  },
};

describe('credit register: a credit application', () => {
  it('opens an application once, with its borrower, parcels, time and basis', () => {
    given([]).when(open).then([opened]);
    given([opened]).when(open).thenRefuses(CreditErrorCode.APPLICATION_EXISTS, 'applicationId');
  });

  it('closes an open application once; a closed one is not opened again under its id', () => {
    given([opened]).when(close).then([closed]);
    given([opened, closed]).when(close).thenRefuses(CreditErrorCode.APPLICATION_CLOSED, 'applicationId');
    given([opened, closed]).when(open).thenRefuses(CreditErrorCode.APPLICATION_EXISTS, 'applicationId');
  });

  it('refuses to close an application that was never opened', () => {
    given([]).when(close).thenRefuses(CreditErrorCode.APPLICATION_NOT_FOUND, 'applicationId');
  });

  it("refuses another bank's close of the application, whatever path the command came by", () => {
    given([opened])
      .when({ ...close, bankId: 'bank:alpha' })
      .thenRefuses(CreditErrorCode.NOT_YOUR_BANK, 'bankId');
  });

  it('folds to the state the creditor register checks a purpose against', () => {
    expect([opened, closed].reduce(evolveApplication, initialApplicationState)).toEqual({
      status: 'closed',
      applicationId: 'APP-1',
      bankId: 'bank:beta',
      borrower: 'person:1',
      assets: ['CAD-1'],
      openedAt: '2026-05-01T09:00:00.000Z',
      closedAt: '2026-05-03T10:00:00.000Z',
      outcome: 'declined',
    });
  });
});
