import { specFor } from '@registry-bus/domain';

import { DiplomaErrorCode } from '../diploma-errors.js';
import { institutionDecider } from '../institutions/institution-aggregate.js';
import { diplomaDecider } from './decide-diploma.js';
import type { DiplomaEvent } from './diploma-events.js';

const given = specFor(diplomaDecider);
const decision = { documentType: 'academic-decision' as const, reference: 'AD-2026-14' };
const judgment = { documentType: 'court-decision' as const, reference: 'C-7/2026' };
const content = {
  programme: 'Computer Science',
  degree: 'master' as const,
  awardedOn: '2026-06-30',
  holderName: 'Nino Beridze',
};
const issue = {
  kind: 'issue' as const,
  diplomaNumber: 'TSU-2026-0001',
  institutionId: 'inst:tsu',
  holder: 'person:0142',
  ...content,
  basis: decision,
  institutionRegistered: true,
  today: '2026-11-25',
};
const issued: DiplomaEvent = {
  type: 'gov.diploma.diploma.issued.v1',
  data: {
    diplomaNumber: 'TSU-2026-0001',
    institutionId: 'inst:tsu',
    holder: 'person:0142',
    holderName: 'Nino Beridze',
    programme: 'Computer Science',
    degree: 'master',
    awardedOn: '2026-06-30',
    basis: decision,
  },
};
const revoked: DiplomaEvent = {
  type: 'gov.diploma.diploma.revoked.v1',
  data: { diplomaNumber: 'TSU-2026-0001', reason: 'plagiarism established', basis: decision },
};

describe('diploma register: institutions', () => {
  it('registers an institution once', () => {
    const register = {
      kind: 'register-institution' as const,
      institutionId: 'inst:tsu',
      name: 'Tbilisi State University',
      accreditation: 'NCEQE-1',
      basis: { documentType: 'accreditation' as const, reference: 'NCEQE-1' },
    };
    const registered = specFor(institutionDecider)([]).when(register);
    registered.then([
      {
        type: 'gov.diploma.institution.registered.v1',
        data: {
          institutionId: 'inst:tsu',
          name: 'Tbilisi State University',
          accreditation: 'NCEQE-1',
          basis: register.basis,
        },
      },
    ]);
    specFor(institutionDecider)([
      {
        type: 'gov.diploma.institution.registered.v1',
        data: { institutionId: 'inst:tsu', name: 'x', accreditation: 'y', basis: register.basis },
      },
    ])
      .when(register)
      .thenRefuses(DiplomaErrorCode.INSTITUTION_EXISTS, 'institutionId');
  });
});

describe('diploma register: a diploma', () => {
  it('is issued once per number, by a registered institution, never dated in the future', () => {
    given([]).when(issue).then([issued]);
    given([issued]).when(issue).thenRefuses(DiplomaErrorCode.DIPLOMA_EXISTS, 'diplomaNumber');
    given([])
      .when({ ...issue, institutionRegistered: false })
      .thenRefuses(DiplomaErrorCode.INSTITUTION_NOT_FOUND, 'institutionId');
    given([])
      .when({ ...issue, awardedOn: '2026-11-26' })
      .thenRefuses(DiplomaErrorCode.AWARDED_IN_FUTURE, 'awardedOn');
    // Awarded today is not the future.
    given([])
      .when({ ...issue, awardedOn: '2026-11-25' })
      .then([{ ...issued, data: { ...issued.data, awardedOn: '2026-11-25' } } as DiplomaEvent]);
  });

  it('is corrected with only the fields that change', () => {
    given([issued])
      .when({
        kind: 'correct',
        corrections: { programme: 'Computer Science', degree: 'doctor', holderName: 'Nino Beridze-Kapanadze' },
        reason: 'typing error in the degree and the name',
        basis: decision,
        today: '2026-11-25',
      })
      .then([
        {
          type: 'gov.diploma.diploma.corrected.v1',
          data: {
            diplomaNumber: 'TSU-2026-0001',
            degree: 'doctor',
            holderName: 'Nino Beridze-Kapanadze',
            reason: 'typing error in the degree and the name',
            basis: decision,
          },
        },
      ]);
    given([issued])
      .when({
        kind: 'correct',
        corrections: { programme: 'Computer Science' },
        reason: 'none',
        basis: decision,
        today: '2026-11-25',
      })
      .thenRefuses(DiplomaErrorCode.NOTHING_TO_CORRECT, 'corrections');
    given([])
      .when({ kind: 'correct', corrections: { degree: 'doctor' }, reason: 'x', basis: decision, today: '2026-11-25' })
      .thenRefuses(DiplomaErrorCode.DIPLOMA_NOT_FOUND, 'diplomaNumber');
    given([issued, revoked])
      .when({ kind: 'correct', corrections: { degree: 'doctor' }, reason: 'x', basis: decision, today: '2026-11-25' })
      .thenRefuses(DiplomaErrorCode.DIPLOMA_REVOKED, 'diplomaNumber');
  });

  it('is never corrected to an award in the future', () => {
    const correctAward = (awardedOn: string) => ({
      kind: 'correct' as const,
      corrections: { awardedOn },
      reason: 'wrong date',
      basis: decision,
      today: '2026-11-25',
    });
    given([issued])
      .when(correctAward('2026-11-26'))
      .thenRefuses(DiplomaErrorCode.AWARDED_IN_FUTURE, 'corrections.awardedOn');
    given([issued])
      .when(correctAward('2026-11-25'))
      .then([
        {
          type: 'gov.diploma.diploma.corrected.v1',
          data: { diplomaNumber: 'TSU-2026-0001', awardedOn: '2026-11-25', reason: 'wrong date', basis: decision },
        },
      ]);
  });

  it('is revoked once, by its institution or by a judgment that it cites', () => {
    given([issued]).when({ kind: 'revoke', reason: 'plagiarism established', basis: decision }).then([revoked]);
    given([issued, revoked])
      .when({ kind: 'revoke', reason: 'again', basis: decision })
      .thenRefuses(DiplomaErrorCode.DIPLOMA_REVOKED, 'diplomaNumber');
    given([])
      .when({ kind: 'revoke', reason: 'x', basis: decision })
      .thenRefuses(DiplomaErrorCode.DIPLOMA_NOT_FOUND, 'diplomaNumber');
    const cause = { chain: 'court', seq: '12', eventId: '3b1f9b1e-4c1a-4d5e-9f00-0a1b2c3d4e5f', hash: 'ab'.repeat(32) };
    given([issued])
      .when({ kind: 'revoke', reason: 'annulled by judgment C-7/2026', basis: judgment, cause })
      .then([
        {
          type: 'gov.diploma.diploma.revoked.v1',
          data: { diplomaNumber: 'TSU-2026-0001', reason: 'annulled by judgment C-7/2026', basis: judgment, cause },
        },
      ]);
  });

  it('keeps what a correction changed and what a revocation says', () => {
    const corrected: DiplomaEvent = {
      type: 'gov.diploma.diploma.corrected.v1',
      data: { diplomaNumber: 'TSU-2026-0001', degree: 'doctor', reason: 'r', basis: decision },
    };
    const state = [issued, corrected, revoked].reduce(diplomaDecider.evolve, diplomaDecider.initialState);
    expect(state).toMatchObject({
      status: 'revoked',
      degree: 'doctor',
      programme: 'Computer Science',
      revocation: { reason: 'plagiarism established', byJudgment: false },
    });
  });
});
