import { specFor } from '@registry-bus/domain';

import { AccessErrorCode, grantDecider, type GrantCommand, type GrantEvent } from './grant-decider.js';

const given = specFor(grantDecider);
const issue: GrantCommand = {
  kind: 'issue-grant',
  owner: 'land',
  grantId: 'g-1',
  grantee: 'credit',
  eventTypes: ['gov.land.encumbrance.*'],
  fields: '*',
  purpose: 'pledge saga',
  basis: { documentType: 'statute', reference: 'Law on Public Registry, art. 12' },
  validFrom: '2026-01-01T00:00:00Z',
};
const issued: GrantEvent = {
  type: 'gov.land.access.grant-issued.v1',
  data: {
    grantId: 'g-1',
    grantee: 'credit',
    eventTypes: ['gov.land.encumbrance.*'],
    fields: '*',
    purpose: 'pledge saga',
    basis: { documentType: 'statute', reference: 'Law on Public Registry, art. 12' },
    validFrom: '2026-01-01T00:00:00Z',
  },
};

describe('access grants of a department', () => {
  it('issues a grant of its own data to another department, once', () => {
    given([]).when(issue).then([issued]);
    given([issued]).when(issue).thenRefuses(AccessErrorCode.GRANT_EXISTS, 'grantId');
  });

  it('records the grant’s legal basis, and refuses a grant that has none', () => {
    given([]).when(issue).then([issued]);
    const { basis: _basis, ...bare } = issue as GrantCommand & { basis: unknown };
    given([])
      .when(bare as GrantCommand)
      .thenRefuses(AccessErrorCode.NO_BASIS, 'basis');
  });

  it('refuses to grant another department’s data, to grant itself, or an empty window', () => {
    given([])
      .when({ ...issue, eventTypes: ['gov.land.parcel.*', 'gov.court.judgment.*'] } as GrantCommand)
      .thenRefuses(AccessErrorCode.NOT_OWN_DATA, 'eventTypes.1');
    given([])
      .when({ ...issue, grantee: 'land' } as GrantCommand)
      .thenRefuses(AccessErrorCode.SELF_GRANT, 'grantee');
    given([])
      .when({ ...issue, validUntil: '2025-12-31T00:00:00Z' } as GrantCommand)
      .thenRefuses(AccessErrorCode.BAD_VALIDITY, 'validUntil');
  });

  it('revokes an active grant once', () => {
    const revoke: GrantCommand = { kind: 'revoke-grant', owner: 'land', grantId: 'g-1', reason: 'contract ended' };
    const revoked: GrantEvent = {
      type: 'gov.land.access.grant-revoked.v1',
      data: { grantId: 'g-1', reason: 'contract ended' },
    };
    given([issued]).when(revoke).then([revoked]);
    given([issued, revoked]).when(revoke).thenRefuses(AccessErrorCode.GRANT_REVOKED, 'grantId');
    given([]).when(revoke).thenRefuses(AccessErrorCode.GRANT_NOT_FOUND, 'grantId');
  });
});
