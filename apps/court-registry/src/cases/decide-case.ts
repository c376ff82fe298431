import { DomainError, assertNever, type Decider } from '@registry-bus/domain';

import { CourtErrorCode } from '../court-errors.js';
import type { CaseCommand, CaseEvent, CourtOrder } from './case-events.js';

export type CaseState =
  | { status: 'none' }
  | {
      status: 'open';
      caseNumber: string;
      subject: string;
      hearings: string[];
      judgments: Array<{ judgmentId: string; decidedOn: string; orders: CourtOrder[]; corrects?: string }>;
    };

export const initialCaseState: CaseState = { status: 'none' };

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case 'gov.court.case.opened.v1':
      return {
        status: 'open',
        caseNumber: event.data.caseNumber,
        subject: event.data.subject,
        hearings: [],
        judgments: [],
      };
    case 'gov.court.hearing.held.v1':
      return state.status === 'open' ? { ...state, hearings: [...state.hearings, event.data.hearingId] } : state;
    case 'gov.court.judgment.registered.v1': {
      if (state.status !== 'open') return state;
      const { judgmentId, decidedOn, orders, corrects } = event.data;
      return {
        ...state,
        judgments: [...state.judgments, { judgmentId, decidedOn, orders, ...(corrects ? { corrects } : {}) }],
      };
    }
    case 'gov.court.seizure.ordered.v1':
    case 'gov.court.seizure-release.ordered.v1':
    case 'gov.court.diploma-annulment.ordered.v1':
    case 'gov.court.pledge-ban.ordered.v1':
      // The order entries repeat what the judgment entry already holds.
      return state;
    default:
      return assertNever(event, 'case event');
  }
}

/** One entry per order, of the order's own type: the court grants each department the orders that concern it. */
function orderEntries(
  caseNumber: string,
  judgmentId: string,
  command: Extract<CaseCommand, { kind: 'register-judgment' }>,
): CaseEvent[] {
  const base = { caseNumber, judgmentId, basis: command.basis };
  return command.orders.map((order): CaseEvent => {
    switch (order.kind) {
      case 'seize-parcel':
        return { type: 'gov.court.seizure.ordered.v1', data: { ...base, cadastralNumber: order.cadastralNumber } };
      case 'release-seizure':
        return {
          type: 'gov.court.seizure-release.ordered.v1',
          data: { ...base, cadastralNumber: order.cadastralNumber, seizureJudgmentId: order.seizureJudgmentId },
        };
      case 'annul-diploma':
        return {
          type: 'gov.court.diploma-annulment.ordered.v1',
          data: { ...base, diplomaNumber: order.diplomaNumber },
        };
      case 'ban-pledges':
        return { type: 'gov.court.pledge-ban.ordered.v1', data: { ...base, cadastralNumber: order.cadastralNumber } };
      default:
        return assertNever(order, 'court order');
    }
  });
}

/** The seizures (judgment and parcel) a judgment of the case has already ordered released. */
function releasedSeizures(state: Extract<CaseState, { status: 'open' }>): Set<string> {
  return new Set(
    state.judgments.flatMap((judgment) =>
      judgment.orders.flatMap((o) =>
        o.kind === 'release-seizure' ? [`${o.seizureJudgmentId} ${o.cadastralNumber}`] : [],
      ),
    ),
  );
}

/**
 * A case is opened once; hearings and judgments belong to an open case, each
 * id once. Judgments are final: a correction is a new judgment that names the
 * one it corrects (of the same case). A release names the judgment of this
 * case that ordered the seizure of that parcel, and releases it once.
 */
export function decideCase(command: CaseCommand, state: CaseState): CaseEvent[] {
  if (command.kind === 'open-case') {
    if (state.status !== 'none') {
      throw new DomainError(
        CourtErrorCode.CASE_EXISTS,
        `case ${command.caseNumber} is already registered`,
        'caseNumber',
      );
    }
    const { caseNumber, parties, subject, basis } = command;
    return [{ type: 'gov.court.case.opened.v1', data: { caseNumber, parties, subject, basis } }];
  }
  if (state.status !== 'open') {
    throw new DomainError(CourtErrorCode.CASE_NOT_FOUND, 'there is no such case', 'caseNumber', 'not-found');
  }
  switch (command.kind) {
    case 'hold-hearing': {
      if (state.hearings.includes(command.hearingId)) {
        throw new DomainError(
          CourtErrorCode.HEARING_EXISTS,
          `hearing ${command.hearingId} is already recorded`,
          'hearingId',
        );
      }
      const { hearingId, heldOn, summary, basis } = command;
      return [
        {
          type: 'gov.court.hearing.held.v1',
          data: { caseNumber: state.caseNumber, hearingId, heldOn, summary, basis },
        },
      ];
    }
    case 'register-judgment': {
      if (state.judgments.some((judgment) => judgment.judgmentId === command.judgmentId)) {
        throw new DomainError(
          CourtErrorCode.JUDGMENT_EXISTS,
          `judgment ${command.judgmentId} is registered and final; a correction is a new judgment that cites it`,
          'judgmentId',
        );
      }
      if (command.corrects && !state.judgments.some((judgment) => judgment.judgmentId === command.corrects)) {
        throw new DomainError(
          CourtErrorCode.JUDGMENT_NOT_FOUND,
          `judgment ${command.corrects} is not a judgment of case ${state.caseNumber}`,
          'corrects',
          'invalid',
        );
      }
      const released = releasedSeizures(state);
      for (const [i, order] of command.orders.entries()) {
        if (order.kind !== 'release-seizure') continue;
        const seized = state.judgments.some(
          (judgment) =>
            judgment.judgmentId === order.seizureJudgmentId &&
            judgment.orders.some((o) => o.kind === 'seize-parcel' && o.cadastralNumber === order.cadastralNumber),
        );
        if (!seized) {
          throw new DomainError(
            CourtErrorCode.NO_SUCH_SEIZURE,
            `no judgment ${order.seizureJudgmentId} of case ${state.caseNumber} seized parcel ${order.cadastralNumber}`,
            `orders.${i}.seizureJudgmentId`,
            'invalid',
          );
        }
        const seizure = `${order.seizureJudgmentId} ${order.cadastralNumber}`;
        if (released.has(seizure)) {
          throw new DomainError(
            CourtErrorCode.SEIZURE_RELEASED,
            `the seizure of parcel ${order.cadastralNumber} by judgment ${order.seizureJudgmentId} is already released`,
            `orders.${i}.seizureJudgmentId`,
          );
        }
        released.add(seizure);
      }
      const { judgmentId, decidedOn, summary, orders, corrects, basis } = command;
      return [
        {
          type: 'gov.court.judgment.registered.v1',
          data: {
            caseNumber: state.caseNumber,
            judgmentId,
            decidedOn,
            summary,
            orders,
            ...(corrects ? { corrects } : {}),
            basis,
          },
        },
        ...orderEntries(state.caseNumber, judgmentId, command),
      ];
    }
    default:
      return assertNever(command, 'case command');
  }
}

export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  initialState: initialCaseState,
  decide: decideCase,
  evolve: evolveCase,
};
