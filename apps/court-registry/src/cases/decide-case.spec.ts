import { specFor } from '@registry-bus/domain';

import { CourtErrorCode } from '../court-errors.js';
import type { CaseCommand, CaseEvent } from './case-events.js';
import { caseDecider } from './decide-case.js';

const given = specFor(caseDecider);
const basis = { documentType: 'court-decision' as const, reference: 'C-7/2026' };
const opened: CaseEvent = {
  type: 'gov.court.case.opened.v1',
  data: { caseNumber: 'C-7-2026', parties: [{ partyId: 'person:9', role: 'defendant' }], subject: 'fraud', basis },
};
const judgment = (judgmentId: string, extra: Partial<Extract<CaseCommand, { kind: 'register-judgment' }>> = {}) => ({
  kind: 'register-judgment' as const,
  judgmentId,
  decidedOn: '2026-11-20',
  summary: 's',
  orders: [],
  basis,
  ...extra,
});
const seizing: CaseEvent = {
  type: 'gov.court.judgment.registered.v1',
  data: {
    caseNumber: 'C-7-2026',
    judgmentId: 'J-1',
    decidedOn: '2026-11-20',
    summary: 's',
    orders: [{ kind: 'seize-parcel', cadastralNumber: 'CRT-1' }],
    basis,
  },
};

describe('court register: a case', () => {
  it('is opened once; hearings and judgments need an open case', () => {
    given([])
      .when({ kind: 'open-case', ...opened.data })
      .then([opened]);
    given([opened])
      .when({ kind: 'open-case', ...opened.data })
      .thenRefuses(CourtErrorCode.CASE_EXISTS, 'caseNumber');
    given([]).when(judgment('J-1')).thenRefuses(CourtErrorCode.CASE_NOT_FOUND, 'caseNumber');
    given([])
      .when({ kind: 'hold-hearing', hearingId: 'H-1', heldOn: '2026-11-01', summary: 's', basis })
      .thenRefuses(CourtErrorCode.CASE_NOT_FOUND, 'caseNumber');
  });

  it('registers a judgment with one entry per order, each of its own type', () => {
    given([opened])
      .when(
        judgment('J-1', {
          orders: [
            { kind: 'seize-parcel', cadastralNumber: 'CRT-1' },
            { kind: 'annul-diploma', diplomaNumber: 'GTU-2020-9' },
            { kind: 'ban-pledges', cadastralNumber: 'CRT-1' },
          ],
        }),
      )
      .then([
        {
          type: 'gov.court.judgment.registered.v1',
          data: {
            caseNumber: 'C-7-2026',
            judgmentId: 'J-1',
            decidedOn: '2026-11-20',
            summary: 's',
            orders: [
              { kind: 'seize-parcel', cadastralNumber: 'CRT-1' },
              { kind: 'annul-diploma', diplomaNumber: 'GTU-2020-9' },
              { kind: 'ban-pledges', cadastralNumber: 'CRT-1' },
            ],
            basis,
          },
        },
        {
          type: 'gov.court.seizure.ordered.v1',
          data: { caseNumber: 'C-7-2026', judgmentId: 'J-1', basis, cadastralNumber: 'CRT-1' },
        },
        {
          type: 'gov.court.diploma-annulment.ordered.v1',
          data: { caseNumber: 'C-7-2026', judgmentId: 'J-1', basis, diplomaNumber: 'GTU-2020-9' },
        },
        {
          type: 'gov.court.pledge-ban.ordered.v1',
          data: { caseNumber: 'C-7-2026', judgmentId: 'J-1', basis, cadastralNumber: 'CRT-1' },
        },
      ]);
  });

  it('keeps judgments final: the same id again is refused; a correction must cite a judgment of the case', () => {
    given([opened, seizing]).when(judgment('J-1')).thenRefuses(CourtErrorCode.JUDGMENT_EXISTS, 'judgmentId');
    given([opened, seizing])
      .when(judgment('J-2', { corrects: 'J-9' }))
      .thenRefuses(CourtErrorCode.JUDGMENT_NOT_FOUND, 'corrects');
    given([opened, seizing])
      .when(judgment('J-2', { corrects: 'J-1' }))
      .then([
        {
          type: 'gov.court.judgment.registered.v1',
          data: {
            caseNumber: 'C-7-2026',
            judgmentId: 'J-2',
            decidedOn: '2026-11-20',
            summary: 's',
            orders: [],
            corrects: 'J-1',
            basis,
          },
        },
      ]);
  });

  it('releases only a seizure that a judgment of the case ordered, of that parcel', () => {
    const release = (seizureJudgmentId: string, cadastralNumber = 'CRT-1') =>
      judgment('J-5', { orders: [{ kind: 'release-seizure', cadastralNumber, seizureJudgmentId }] });
    given([opened, seizing])
      .when(release('J-1', 'OTHER-1'))
      .thenRefuses(CourtErrorCode.NO_SUCH_SEIZURE, 'orders.0.seizureJudgmentId');
    given([opened]).when(release('J-1')).thenRefuses(CourtErrorCode.NO_SUCH_SEIZURE, 'orders.0.seizureJudgmentId');
    const events = caseDecider.decide(
      release('J-1'),
      [opened, seizing].reduce(caseDecider.evolve, caseDecider.initialState),
    );
    expect(events.map((event) => event.type)).toEqual([
      'gov.court.judgment.registered.v1',
      'gov.court.seizure-release.ordered.v1',
    ]);
  });

  it('releases a seizure once: not again in a later judgment, nor twice in one', () => {
    const releaseOrder = { kind: 'release-seizure' as const, cadastralNumber: 'CRT-1', seizureJudgmentId: 'J-1' };
    const releasing: CaseEvent = {
      type: 'gov.court.judgment.registered.v1',
      data: {
        caseNumber: 'C-7-2026',
        judgmentId: 'J-2',
        decidedOn: '2026-11-21',
        summary: 's',
        orders: [releaseOrder],
        basis,
      },
    };
    given([opened, seizing, releasing])
      .when(judgment('J-3', { orders: [releaseOrder] }))
      .thenRefuses(CourtErrorCode.SEIZURE_RELEASED, 'orders.0.seizureJudgmentId');
    given([opened, seizing])
      .when(judgment('J-3', { orders: [releaseOrder, releaseOrder] }))
      .thenRefuses(CourtErrorCode.SEIZURE_RELEASED, 'orders.1.seizureJudgmentId');
  });
});
