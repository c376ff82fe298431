import { verifyEd25519Node } from '@registry-bus/protocol';
import { verifyReceipt, type Receipt } from '@registry-bus/receipts';

import { DepartmentStack } from './department-stack.js';

const accreditation = { documentType: 'accreditation', reference: 'NCEQE-2026-1' };
const decision = { documentType: 'academic-decision', reference: 'AD-2026-14' };

/**
 * The diploma register on real Kafka and Postgres with the notary: each
 * institution issues and revokes only its own diplomas; anyone checks a
 * diploma by number, and its receipt verifies offline without the holder.
 */
describe('diploma register', () => {
  const stack = new DepartmentStack();
  let admin: string;
  let tsu: string;
  let iliauni: string;

  const diploma = (diplomaNumber: string, institutionId = 'inst:tsu') => ({
    diplomaNumber,
    institutionId,
    holder: 'person:0142',
    holderName: 'Nino Beridze',
    programme: 'Computer Science',
    degree: 'master',
    awardedOn: '2026-06-30',
    basis: decision,
  });

  beforeAll(async () => {
    await stack.start(['diploma']);
    await stack.start(['notary']);
    admin = await stack.token('diploma', 'admin', 'admin:ministry');
    tsu = await stack.token('diploma', 'clerk', 'clerk:tsu-1', 'inst:tsu');
    iliauni = await stack.token('diploma', 'clerk', 'clerk:iliauni-1', 'inst:iliauni');
    for (const [institutionId, name] of [
      ['inst:tsu', 'Tbilisi State University'],
      ['inst:iliauni', 'Ilia State University'],
    ]) {
      const answer = await stack.call('diploma', 'POST', '/v1/institutions', {
        token: admin,
        body: { institutionId, name, accreditation: 'NCEQE-1', basis: accreditation },
      });
      expect(answer.status).toBe(201);
    }
  });

  afterAll(() => stack.stop());

  it('issues a diploma that anyone can check by number, with a receipt that does not disclose the holder', async () => {
    expect(
      (await stack.call('diploma', 'POST', '/v1/diplomas', { token: tsu, body: diploma('TSU-2026-0001') })).status,
    ).toBe(201);
    const status = await stack.call('diploma', 'GET', '/v1/diplomas/TSU-2026-0001/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      diplomaNumber: 'TSU-2026-0001',
      status: 'valid',
      institution: { institutionId: 'inst:tsu', name: 'Tbilisi State University' },
      degree: 'master',
      awardedOn: '2026-06-30',
    });
    expect(JSON.stringify(status.body)).not.toMatch(/Beridze|person:0142/);

    const issued = (status.body.receipts as Array<{ type: string; receipt: string }>).find(
      (entry) => entry.type === 'gov.diploma.diploma.issued.v1',
    )!;
    const receipt = await stack.eventually('the diploma anchored and witnessed', async () => {
      const answer = await stack.call('diploma', 'GET', issued.receipt);
      const body = answer.body as unknown as Receipt;
      // Anchored: no other department runs here to cosign its checkpoint, so the receipt is below quorum.
      return answer.status === 200 ? body : undefined;
    });
    const verdict = verifyReceipt(receipt, stack.trustBundle(), verifyEd25519Node);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.summary.withheld.sort()).toEqual(['holder', 'holderName']);
    expect(verdict.summary.disclosed).toMatchObject({ diplomaNumber: 'TSU-2026-0001', degree: 'master' });
    expect(JSON.stringify(receipt)).not.toMatch(/Beridze|person:0142/);
  });

  it('lets an institution issue, correct and revoke only its own diplomas', async () => {
    const foreign = await stack.call('diploma', 'POST', '/v1/diplomas', {
      token: iliauni,
      body: diploma('TSU-2026-0002'),
    });
    expect(foreign).toMatchObject({
      status: 403,
      body: { code: 'AUTH.OUT_OF_SCOPE', errors: [{ field: 'institutionId' }] },
    });
    const revokeForeign = await stack.call('diploma', 'POST', '/v1/diplomas/TSU-2026-0001/revocation', {
      token: iliauni,
      body: { reason: 'not ours to revoke', basis: decision },
    });
    expect(revokeForeign).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_SCOPE' } });
    const unregistered = await stack.call('diploma', 'POST', '/v1/diplomas', {
      token: admin,
      body: diploma('X-2026-0001', 'inst:nowhere'),
    });
    expect(unregistered).toMatchObject({ status: 404, body: { code: 'DIPLOMA.INSTITUTION_NOT_FOUND' } });
    const twice = await stack.call('diploma', 'POST', '/v1/diplomas', { token: tsu, body: diploma('TSU-2026-0001') });
    expect(twice).toMatchObject({ status: 409, body: { code: 'DIPLOMA.DIPLOMA_EXISTS' } });
    const badInput = await stack.call('diploma', 'POST', '/v1/diplomas', {
      token: tsu,
      body: { ...diploma('tsu lower case'), awardedOn: '30.06.2026' },
    });
    expect(badInput.status).toBe(400);
    expect((badInput.body.errors as Array<{ field: string }>).map((error) => error.field).sort()).toEqual([
      'awardedOn',
      'diplomaNumber',
    ]);

    const corrected = await stack.call('diploma', 'POST', '/v1/diplomas/TSU-2026-0001/corrections', {
      token: tsu,
      body: { corrections: { degree: 'doctor' }, reason: 'the degree was mistyped', basis: decision },
    });
    expect(corrected.status).toBe(201);
    const revoked = await stack.call('diploma', 'POST', '/v1/diplomas/TSU-2026-0001/revocation', {
      token: tsu,
      body: { reason: 'plagiarism established by the academic council', basis: decision },
    });
    expect(revoked.status).toBe(201);
    const status = await stack.call('diploma', 'GET', '/v1/diplomas/TSU-2026-0001/status');
    expect(status.body).toMatchObject({
      status: 'revoked',
      degree: 'doctor',
      revoked: { reason: 'plagiarism established by the academic council', byJudgment: false },
    });
    expect(typeof (status.body.revoked as { since: string }).since).toBe('string');
    const again = await stack.call('diploma', 'POST', '/v1/diplomas/TSU-2026-0001/revocation', {
      token: tsu,
      body: { reason: 'again', basis: decision },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'DIPLOMA.DIPLOMA_REVOKED' } });
  });

  it('answers an unknown number with 404 problem+json, and a malformed one with 400 naming the field', async () => {
    const unknown = await stack.call('diploma', 'GET', '/v1/diplomas/NOPE-0000/status');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'DIPLOMA.DIPLOMA_NOT_FOUND' } });
    const malformed = await stack.call('diploma', 'GET', '/v1/diplomas/x/status');
    expect(malformed).toMatchObject({ status: 400, body: { errors: [{ field: 'diplomaNumber' }] } });
  });
});
