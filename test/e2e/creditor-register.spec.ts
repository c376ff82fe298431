import pg from 'pg';

import { DepartmentStack, type Answer } from './department-stack.js';

const survey = { documentType: 'survey', reference: 'S-CR' };
const loanAgreement = (reference: string) => ({ documentType: 'loan-agreement', reference });
const signedApplication = (reference: string) => ({ documentType: 'credit-application', reference });
const ROUTE = '/v1/creditor-register/pledges';

interface AuditRead {
  operator: string;
  role: string;
  method: string;
  route: string;
  fields: string[];
  detail: string | null;
}

/**
 * The shared creditor register on real Kafka and Postgres: bank beta's clerk,
 * for an open credit application of its own, sees that bank alpha's pledge
 * encumbers the parcel — as its existence, asset, amount band, rank and
 * date, nothing more — and its own pledge beside it; every search is on the
 * read audit with its purpose; a search without a purpose, under another
 * bank's application, a closed one or one that does not name what is asked
 * is refused and changes nothing; a search the audit cannot record is not
 * answered.
 */
describe('the shared creditor register: another bank’s pledges, named fields only, for a recorded purpose', () => {
  const stack = new DepartmentStack();
  let alpha: string;
  let beta: string;
  let betaAuditor: string;
  let creditAuditor: string;
  let creditAdmin: string;
  let activatedOn: Record<string, string>;

  const search = (token: string, query: string) => stack.call('credit', 'GET', `${ROUTE}?${query}`, { token });
  const creditHead = async () => (await stack.call('credit', 'GET', '/v1/ledger/head')).body.seq as number;
  const openApplication = (token: string, bankId: string, applicationId: string, borrower: string, assets: string[]) =>
    stack.call('credit', 'POST', `/v1/banks/${bankId}/applications`, {
      token,
      body: { applicationId, borrower, assets, basis: signedApplication(applicationId) },
    });
  const searchReads = async (subject: string): Promise<AuditRead[]> => {
    const answer = await stack.call('credit', 'GET', `/v1/audit/reads?subject=${encodeURIComponent(subject)}`, {
      token: creditAuditor,
    });
    expect(answer.status).toBe(200);
    return (answer.body.reads as AuditRead[])
      .filter((read) => read.route === ROUTE)
      .map(({ operator, role, method, route, fields, detail }) => ({ operator, role, method, route, fields, detail }));
  };
  const expectRefused = (answer: Answer, status: number, code: string, field?: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status, code });
    if (field !== undefined)
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(answer.body.pledges).toBeUndefined();
  };

  const requestPledge = async (token: string, pledgeId: string, bankId: string, loanId: string) => {
    const requested = await stack.call('credit', 'POST', '/v1/pledges', {
      token,
      body: {
        pledgeId,
        cadastralNumber: 'CR-1',
        bankId,
        loanId,
        pledgor: 'person:cr-owner',
        basis: loanAgreement(loanId),
      },
    });
    expect(requested.status).toBe(201);
    await stack.eventually(`pledge ${pledgeId} active`, async () => {
      const pledge = await stack.call('credit', 'GET', `/v1/pledges/${pledgeId}`, { token });
      return pledge.body.status === 'active' ? true : undefined;
    });
  };

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    await stack.pledgeSagaGrants();
    creditAdmin = await stack.token('credit', 'admin', 'admin:cr');
    creditAuditor = await stack.token('credit', 'auditor', 'auditor:cr');
    alpha = await stack.token('credit', 'clerk', 'clerk:cr-alpha', 'bank:alpha');
    beta = await stack.token('credit', 'clerk', 'clerk:cr-beta', 'bank:beta');
    betaAuditor = await stack.token('credit', 'auditor', 'auditor:cr-beta', 'bank:beta');
    await stack.bankWithLoan('bank:alpha', 'L-CR-A0', 'person:cr-other', alpha);
    await stack.bankWithLoan('bank:beta', 'L-CR-B1', 'person:cr-borrower', beta);
    const alphaLoan = await stack.call('credit', 'POST', '/v1/banks/bank:alpha/loans', {
      token: alpha,
      body: {
        loanId: 'L-CR-A1',
        kind: 'loan',
        borrower: 'person:cr-borrower',
        amount: '250000.00',
        currency: 'GEL',
        basis: loanAgreement('L-CR-A1'),
      },
    });
    expect(alphaLoan.status).toBe(201);
    const landClerk = await stack.token('land', 'clerk', 'clerk:cr-land');
    const parcel = await stack.call('land', 'POST', '/v1/parcels', {
      token: landClerk,
      body: {
        cadastralNumber: 'CR-1',
        areaSquareMetres: '900.00',
        location: 'Telavi',
        landUse: 'agricultural',
        owners: [{ ownerId: 'person:cr-owner', share: '1' }],
        basis: survey,
      },
    });
    expect(parcel.status).toBe(201);
    // Alpha ranks first; with its consent beta takes the second pledge of the parcel.
    await requestPledge(alpha, 'P-CR-A1', 'bank:alpha', 'L-CR-A1');
    const consent = await stack.call('credit', 'POST', '/v1/pledges/P-CR-A1/consents', {
      token: alpha,
      body: {
        to: 'second-pledge',
        counterparty: 'bank:beta',
        basis: { documentType: 'consent-letter', reference: 'CL-CR' },
      },
    });
    expect(consent.status).toBe(201);
    await requestPledge(beta, 'P-CR-B1', 'bank:beta', 'L-CR-B1');

    const entries = await stack.call('credit', 'GET', '/v1/ledger/entries?limit=1000', { token: creditAdmin });
    activatedOn = Object.fromEntries(
      (
        entries.body.entries as Array<{
          envelope: { type: string; time: string };
          data: { fields: { pledgeId: string } };
        }>
      )
        .filter((entry) => entry.envelope.type === 'gov.credit.pledge.activated.v1')
        .map((entry) => [entry.data.fields.pledgeId, entry.envelope.time.slice(0, 10)]),
    );
    expect(Object.keys(activatedOn).sort()).toEqual(['P-CR-A1', 'P-CR-B1']);

    expect((await openApplication(beta, 'bank:beta', 'APP-B1', 'person:cr-borrower', ['CR-1'])).status).toBe(201);
    expect((await openApplication(alpha, 'bank:alpha', 'APP-A1', 'person:cr-borrower', ['CR-1'])).status).toBe(201);
  });

  afterAll(() => stack.stop());

  it("answers beta's clerk alpha's pledge on the parcel as exactly the named fields, and beta's own beside it", async () => {
    const answer = await search(beta, 'asset=CR-1&purpose=APP-B1');
    expect(answer.status).toBe(200);
    const pledges = answer.body.pledges as Array<Record<string, unknown>>;
    expect(Object.keys(pledges[0]!).sort()).toEqual(['amountBand', 'asset', 'date', 'exists', 'rank']);
    expect(answer.body).toEqual({
      purpose: 'APP-B1',
      asked: { asset: 'CR-1' },
      pledges: [
        {
          exists: true,
          asset: 'CR-1',
          amountBand: { currency: 'GEL', from: '100000.00', below: '1000000.00' },
          rank: 1,
          date: activatedOn['P-CR-A1'],
        },
        {
          exists: true,
          asset: 'CR-1',
          amountBand: { currency: 'GEL', from: '1000.00', below: '10000.00' },
          rank: 2,
          date: activatedOn['P-CR-B1'],
          pledgeId: 'P-CR-B1',
        },
      ],
    });
    // Nothing else of alpha's: not its bank, pledge, loan, pledgor or exact amount.
    const text = JSON.stringify(answer.body);
    for (const mark of ['bank:alpha', 'P-CR-A1', 'L-CR-A1', 'person:cr-owner', '250000'])
      expect(text).not.toContain(mark);
  });

  it("answers by borrower the pledges securing the borrower's loans at every bank", async () => {
    const answer = await search(beta, 'borrower=person:cr-borrower&purpose=APP-B1');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      purpose: 'APP-B1',
      asked: { borrower: 'person:cr-borrower' },
      pledges: [
        {
          exists: true,
          asset: 'CR-1',
          amountBand: { currency: 'GEL', from: '100000.00', below: '1000000.00' },
          rank: 1,
          date: activatedOn['P-CR-A1'],
        },
        {
          exists: true,
          asset: 'CR-1',
          amountBand: { currency: 'GEL', from: '1000.00', below: '10000.00' },
          rank: 2,
          date: activatedOn['P-CR-B1'],
          pledgeId: 'P-CR-B1',
        },
      ],
    });
    // A borrower with no pledged loans: an empty answer, and the search is on record all the same.
    expect((await openApplication(beta, 'bank:beta', 'APP-B3', 'person:cr-other', [])).status).toBe(201);
    const other = await search(beta, 'borrower=person:cr-other&purpose=APP-B3');
    expect(other.status).toBe(200);
    expect(other.body.pledges).toEqual([]);
  });

  it('refuses a search without a purpose, under another bank’s application, a closed one, or one not naming what is asked; nothing changes', async () => {
    const head = await creditHead();
    const before = await searchReads('CR-1');
    expectRefused(await search(beta, 'asset=CR-1'), 400, 'REQUEST.INVALID', 'purpose');
    expectRefused(await search(beta, 'purpose=APP-B1'), 400, 'REQUEST.INVALID', 'borrower');
    // Alpha's open application is no purpose of beta's: looked up under beta, it is not there.
    const foreign = await search(beta, 'asset=CR-1&purpose=APP-A1');
    expectRefused(foreign, 403, 'CREDIT.PURPOSE_NOT_PERMISSIBLE', 'purpose');
    expect(foreign.body.detail).toBe('APP-A1 is not a credit application of bank:beta');
    expectRefused(await search(beta, 'asset=CR-2&purpose=APP-B1'), 403, 'CREDIT.PURPOSE_NOT_PERMISSIBLE', 'purpose');
    expectRefused(
      await search(beta, 'borrower=person:cr-other&purpose=APP-B1'),
      403,
      'CREDIT.PURPOSE_NOT_PERMISSIBLE',
      'purpose',
    );
    // The bank's auditor reads; searching is a lender's step, for its clerks.
    expectRefused(await search(betaAuditor, 'asset=CR-1&purpose=APP-B1'), 403, 'AUTH.FORBIDDEN');
    expect(await creditHead()).toBe(head);

    expect((await openApplication(beta, 'bank:beta', 'APP-B2', 'person:cr-borrower', ['CR-1'])).status).toBe(201);
    // Only the bank itself opens or closes its applications.
    expectRefused(
      await stack.call('credit', 'POST', '/v1/banks/bank:beta/applications/APP-B2/close', {
        token: alpha,
        body: { outcome: 'withdrawn', basis: signedApplication('APP-B2') },
      }),
      403,
      'AUTH.OUT_OF_SCOPE',
      'bankId',
    );
    expectRefused(
      await openApplication(alpha, 'bank:beta', 'APP-B9', 'person:cr-borrower', ['CR-1']),
      403,
      'AUTH.OUT_OF_SCOPE',
      'bankId',
    );
    const closed = await stack.call('credit', 'POST', '/v1/banks/bank:beta/applications/APP-B2/close', {
      token: beta,
      body: { outcome: 'declined', basis: signedApplication('APP-B2') },
    });
    expect(closed.status).toBe(201);
    const afterClose = await creditHead();
    const refusedClosed = await search(beta, 'asset=CR-1&purpose=APP-B2');
    expectRefused(refusedClosed, 403, 'CREDIT.PURPOSE_NOT_PERMISSIBLE', 'purpose');
    expect(refusedClosed.body.detail).toMatch(/^credit application APP-B2 of bank:beta was closed at /);
    expect(await creditHead()).toBe(afterClose);
    // No refused search went on the read audit as a read (the refusals are on it as refusals).
    expect(await searchReads('CR-1')).toEqual(before);
  });

  it('puts every search on the read audit with its purpose, the caller, what was asked and how many answers', async () => {
    expect((await search(alpha, 'asset=CR-1&purpose=APP-A1')).status).toBe(200);
    const detail = (bank: string, application: string, asked: string, answers: number, ofOthers: number) =>
      `creditor-register search: purpose credit application ${application} of ${bank}; asked ${asked}; answers ${answers}, of other banks ${ofOthers}`;
    const read = (operator: string, text: string) => ({
      operator,
      role: 'clerk',
      method: 'GET',
      route: ROUTE,
      fields: ['amountBand', 'asset', 'date', 'exists', 'rank'],
      detail: text,
    });
    expect(await searchReads('CR-1')).toEqual([
      read('clerk:cr-beta', detail('bank:beta', 'APP-B1', 'asset CR-1', 2, 1)),
      read('clerk:cr-alpha', detail('bank:alpha', 'APP-A1', 'asset CR-1', 2, 1)),
    ]);
    expect(await searchReads('person:cr-borrower')).toEqual([
      read('clerk:cr-beta', detail('bank:beta', 'APP-B1', 'borrower person:cr-borrower', 2, 1)),
    ]);
    expect(await searchReads('person:cr-other')).toEqual([
      { ...read('clerk:cr-beta', detail('bank:beta', 'APP-B3', 'borrower person:cr-other', 0, 0)), fields: [] },
    ]);
  });

  it('answers nothing when the search cannot be put on the audit record (503)', async () => {
    const owner = new pg.Client({ connectionString: stack.configOf('credit').DATABASE_MIGRATIONS_URL });
    await owner.connect();
    try {
      // A broken audit, as a full disk or a lost table would break it: the insert of a search fails.
      await owner.query(`CREATE FUNCTION test_refuse_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit unavailable (test)'; END $$`);
      await owner.query(`CREATE TRIGGER test_refuse_search BEFORE INSERT ON operator_audit
        FOR EACH ROW WHEN (NEW.route = '${ROUTE}') EXECUTE FUNCTION test_refuse_search()`);
      const answer = await search(beta, 'asset=CR-1&purpose=APP-B1');
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'AUDIT.UNAVAILABLE' });
      expect(answer.body.pledges).toBeUndefined();
      expect(JSON.stringify(answer.body)).not.toContain('amountBand');
    } finally {
      await owner.query('DROP TRIGGER IF EXISTS test_refuse_search ON operator_audit');
      await owner.query('DROP FUNCTION IF EXISTS test_refuse_search()');
      await owner.end();
    }
    expect((await search(beta, 'asset=CR-1&purpose=APP-B1')).status).toBe(200);
  });

  it('is in the OpenAPI document with its three query parameters', async () => {
    const document = (await stack.call('credit', 'GET', '/docs-json')).body as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string; required?: boolean }> } }>;
    };
    const parameters = document.paths[ROUTE]?.get?.parameters ?? [];
    expect(
      parameters
        .filter((parameter) => parameter.in === 'query')
        .map(({ name, required }) => ({ name, required: required ?? false }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual([
      { name: 'asset', required: false },
      { name: 'borrower', required: false },
      { name: 'purpose', required: true },
    ]);
  });

  it("shows a bank its own applications, and another bank's not at all", async () => {
    const own = await stack.call('credit', 'GET', '/v1/banks/bank:beta/applications/APP-B2', { token: beta });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      status: 'closed',
      applicationId: 'APP-B2',
      bankId: 'bank:beta',
      borrower: 'person:cr-borrower',
      assets: ['CR-1'],
      outcome: 'declined',
    });
    expectRefused(
      await stack.call('credit', 'GET', '/v1/banks/bank:alpha/applications/APP-A1', { token: beta }),
      403,
      'AUTH.OUT_OF_SCOPE',
      'bankId',
    );
  });
});
