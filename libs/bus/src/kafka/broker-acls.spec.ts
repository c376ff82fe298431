import { brokerAcls } from './broker-acls.js';

const departments = ['land', 'credit', 'court', 'notary'];
/** `user op resource` lines, for readable assertions. */
const lines = (grants: Array<{ owner: string; grantee: string }>) =>
  brokerAcls({ departments, grants, notary: 'notary', namespace: 'ns.' }).map(
    (acl) => `${acl.principal} ${acl.operation} ${acl.resourceName}${acl.patternType === 'PREFIXED' ? '*' : ''}`,
  );

describe('broker ACLs derived from grants', () => {
  it('lets every department write only under its own prefix', () => {
    const writes = lines([]).filter((line) => line.includes(' WRITE ') && line.includes('.ledger'));
    expect(writes).toEqual([]);
    expect(lines([])).toEqual(
      expect.arrayContaining(['User:land WRITE ns.gov.land.*', 'User:credit WRITE ns.gov.credit.*']),
    );
    expect(lines([]).filter((line) => line.startsWith('User:credit WRITE ns.gov.land'))).toEqual([]);
  });

  it('lets a department alter the settings of its request and reply topics alone, never of its ledger (#28)', () => {
    expect(lines([]).filter((line) => line.startsWith('User:land ALTER_CONFIGS'))).toEqual([
      'User:land ALTER_CONFIGS ns.gov.land.requests',
      'User:land ALTER_CONFIGS ns.gov.land.replies',
    ]);
    expect(lines([]).filter((line) => line.includes('ALTER_CONFIGS') && line.includes('ledger'))).toEqual([]);
  });

  it('lets a department delete only its generation 1 ledger topic (in clear), never the current one (#28)', () => {
    expect(lines([]).filter((line) => line.startsWith('User:land DELETE'))).toEqual([
      'User:land DELETE ns.gov.land.ledger',
    ]);
    expect(lines([]).filter((line) => line.includes(' DELETE ') && line.includes('.ledger.v2'))).toEqual([]);
  });

  it('reads another ledger only with a grant from its owner, in that direction only', () => {
    expect(lines([])).not.toContain('User:credit READ ns.gov.land.ledger.v2');
    const granted = lines([{ owner: 'land', grantee: 'credit' }]);
    expect(granted).toContain('User:credit READ ns.gov.land.ledger.v2');
    expect(granted).toContain('User:credit WRITE ns.gov.land.requests');
    expect(granted).toContain('User:land WRITE ns.gov.credit.replies');
    expect(granted).not.toContain('User:land READ ns.gov.credit.ledger.v2');
    expect(granted).not.toContain('User:court READ ns.gov.land.ledger.v2');
  });

  it('lets the notary read every ledger and everyone read the notary’s', () => {
    const base = lines([]);
    for (const department of ['land', 'credit', 'court']) {
      expect(base).toContain(`User:notary READ ns.gov.${department}.ledger.v2`);
      expect(base).toContain(`User:${department} READ ns.gov.notary.ledger.v2`);
    }
  });

  it('ignores grants to unknown users and to oneself, and does not depend on the order of grants', () => {
    const a = lines([
      { owner: 'land', grantee: 'credit' },
      { owner: 'credit', grantee: 'land' },
      { owner: 'land', grantee: 'stranger' },
      { owner: 'land', grantee: 'land' },
    ]);
    const b = lines([
      { owner: 'credit', grantee: 'land' },
      { owner: 'land', grantee: 'credit' },
      { owner: 'land', grantee: 'credit' },
    ]);
    expect(a).toEqual(b);
    expect(a.some((line) => line.includes('stranger'))).toBe(false);
  });
});
