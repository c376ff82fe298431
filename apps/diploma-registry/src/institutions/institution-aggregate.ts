import { DomainError, type Decider, type LegalBasis } from '@registry-bus/domain';
import type { Aggregate } from '@registry-bus/kit';

import { DiplomaErrorCode } from '../diploma-errors.js';

export interface RegisterInstitution {
  kind: 'register-institution';
  institutionId: string;
  name: string;
  accreditation: string;
  basis: LegalBasis;
}

export interface InstitutionRegistered {
  type: 'gov.diploma.institution.registered.v1';
  data: { institutionId: string; name: string; accreditation: string; basis: LegalBasis };
}

export type InstitutionState =
  { status: 'unregistered' } | { status: 'registered'; institutionId: string; name: string; accreditation: string };

/** An accredited institution is registered once; only registered institutions issue diplomas. */
export const institutionDecider: Decider<RegisterInstitution, InstitutionRegistered, InstitutionState> = {
  initialState: { status: 'unregistered' },
  decide(command, state) {
    if (state.status === 'registered') {
      throw new DomainError(
        DiplomaErrorCode.INSTITUTION_EXISTS,
        `${command.institutionId} is already registered`,
        'institutionId',
      );
    }
    const { institutionId, name, accreditation, basis } = command;
    return [{ type: 'gov.diploma.institution.registered.v1', data: { institutionId, name, accreditation, basis } }];
  },
  evolve: (_state, event) => ({
    status: 'registered',
    institutionId: event.data.institutionId,
    name: event.data.name,
    accreditation: event.data.accreditation,
  }),
};

export const institutionAggregate: Aggregate<RegisterInstitution, InstitutionRegistered, InstitutionState> = {
  name: 'institution',
  eventTypes: ['gov.diploma.institution.*'],
  decider: institutionDecider,
};
