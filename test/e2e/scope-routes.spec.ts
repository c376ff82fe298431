import type { INestApplication } from '@nestjs/common';

import { DepartmentStack, type Answer } from './department-stack.js';

const survey = { documentType: 'survey', reference: 'S-SCOPE' };
const loanAgreement = { documentType: 'loan-agreement', reference: 'L-SA1' };
const accreditation = { documentType: 'accreditation', reference: 'NCEQE-SCOPE' };
const decision = { documentType: 'academic-decision', reference: 'AD-SCOPE' };
const creditApplication = { documentType: 'credit-application', reference: 'CA-SCOPE' };

interface Route {
  method: string;
  /** As OpenAPI writes it: `/v1/banks/{bankId}`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route Nest registered on the app's Express router (Swagger's own `/docs` pages aside). */
function registeredRoutes(app: INestApplication): Route[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods)
            .filter((method) => method !== '_all')
            .map((method) => ({
              method: method.toUpperCase(),
              path: layer.route!.path.replace(/:([A-Za-z]+)/g, '{$1}'),
            }))
        : [],
    )
    .filter((route) => !route.path.startsWith('/docs'));
}

/** Routes named by the app's OpenAPI document (`/docs-json`). */
async function documentedRoutes(stack: DepartmentStack, department: string): Promise<Route[]> {
  const document = (await stack.call(department, 'GET', '/docs-json')).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const key = (route: Route) => `${route.method} ${route.path}`;

/**
 * Every concrete URL of a GET route, its path parameters filled with the
 * other owner's values (each `seq` of its entries). A route with a parameter
 * the test has no value for fails the test: a new route gets a check too.
 */
function urlsOf(route: Route, values: Record<string, readonly string[]>): string[] {
  let urls = [route.path];
  for (const [, name] of route.path.matchAll(/\{([A-Za-z]+)\}/g)) {
    const options = values[name!];
    if (!options) throw new Error(`no value for {${name}} of ${key(route)}: add one to the scope test`);
    urls = urls.flatMap((url) => options.map((value) => url.replace(`{${name}}`, encodeURIComponent(value))));
  }
  return urls;
}

/** The seqs of the department's ledger whose entry's data mentions any of these values (read as its admin). */
async function seqsMentioning(stack: DepartmentStack, department: string, admin: string, values: string[]) {
  const answer = await stack.call(department, 'GET', '/v1/ledger/entries?limit=1000', { token: admin });
  const entries = answer.body.entries as Array<{
    seq: number;
    envelope: { type: string };
    data: { fields: Record<string, unknown> } | null;
  }>;
  return (
    entries
      // An operator token names its scope (#27) but is the department's own record, not the owner's data: a
      // scoped operator is not shown it.
      .filter((entry) => !/\.operator\.token-(issued|revoked)\.v1$/.test(entry.envelope.type))
      .filter(
        (entry) => entry.data && Object.values(entry.data.fields).some((value) => values.includes(value as string)),
      )
      .map((entry) => entry.seq)
  );
}

/** The seqs a token is shown by `GET /v1/ledger/entries`, every page followed. */
async function listedSeqs(stack: DepartmentStack, department: string, token: string): Promise<number[]> {
  const seqs: number[] = [];
  let after = 0;
  for (let page = 0; page < 100; page++) {
    const answer = await stack.call(department, 'GET', `/v1/ledger/entries?after=${after}&limit=3`, { token });
    expect(answer.status).toBe(200);
    seqs.push(...(answer.body.entries as Array<{ seq: number }>).map((entry) => entry.seq));
    if (answer.body.next === null) return seqs;
    after = answer.body.next as number;
  }
  throw new Error('more than 100 pages');
}

/**
 * Asks every GET route of the department with the foreign operator's token
 * and the other owner's ids: a route for operators answers nothing that
 * names the other owner (a refusal, or an answer without its ids); a public
 * route (no token needed: receipts, the public status) answers no personal
 * field of the other owner's. A refusal may repeat the id the asker sent.
 */
async function foreignAnswers(
  stack: DepartmentStack,
  department: string,
  token: string,
  values: Record<string, readonly string[]>,
  marks: { owned: readonly string[]; personal: readonly string[] },
): Promise<{ checked: string[]; leaks: string[] }> {
  const checked: string[] = [];
  const leaks: string[] = [];
  const routes = registeredRoutes(stack.get(department).app).filter((route) => route.method === 'GET');
  const publicRoutes = new Set<string>();
  for (const route of routes) {
    for (const url of urlsOf(route, values)) {
      const anonymous = await stack.call(department, 'GET', url);
      if (anonymous.status !== 401) publicRoutes.add(key(route));
      const answer: Answer = await stack.call(department, 'GET', url, { token });
      const text = JSON.stringify(answer.body);
      const forbidden = publicRoutes.has(key(route)) ? marks.personal : [...marks.owned, ...marks.personal];
      // A refusal may repeat what the asker put in the URL itself; anything else it names is a leak.
      const asked = decodeURIComponent(url);
      const seen = forbidden.filter((mark) => text.includes(mark) && !(answer.status >= 400 && asked.includes(mark)));
      checked.push(`${url} ${answer.status}`);
      if (seen.length > 0) leaks.push(`${url} (${answer.status}) shows ${seen.join(', ')}`);
    }
  }
  return { checked, leaks };
}

/**
 * One scope rule on every route, on real Kafka and Postgres: a bank's clerk
 * (or auditor) sees nothing of another bank's — not through the register's
 * routes, not through the generic ledger routes (entries, entry by seq,
 * export); an institution's registrar nothing of another institution's
 * diplomas. Every route Nest registered is in the OpenAPI document, and every
 * GET route is tried.
 */
describe('a scoped operator sees only its own owner’s data, on every route', () => {
  const stack = new DepartmentStack();
  let creditAdmin: string;
  let alpha: string;
  let beta: string;
  let betaAuditor: string;
  let creditAuditor: string;
  let diplomaAdmin: string;
  let uniA: string;
  let uniB: string;

  beforeAll(async () => {
    await stack.start(['land', 'credit', 'diploma']);
    await stack.pledgeSagaGrants();
    creditAdmin = await stack.token('credit', 'admin', 'admin:scope');
    alpha = await stack.token('credit', 'clerk', 'clerk:scope-alpha', 'bank:alpha');
    beta = await stack.token('credit', 'clerk', 'clerk:scope-beta', 'bank:beta');
    betaAuditor = await stack.token('credit', 'auditor', 'auditor:scope-beta', 'bank:beta');
    creditAuditor = await stack.token('credit', 'auditor', 'auditor:scope-credit');
    await stack.bankWithLoan('bank:alpha', 'L-SA1', 'person:alpha-borrower', alpha);
    await stack.bankWithLoan('bank:beta', 'L-SB1', 'person:beta-borrower', beta);
    const landClerk = await stack.token('land', 'clerk', 'clerk:scope-land');
    const registered = await stack.call('land', 'POST', '/v1/parcels', {
      token: landClerk,
      body: {
        cadastralNumber: 'SCOPE-1',
        areaSquareMetres: '700.00',
        location: 'Gori',
        landUse: 'agricultural',
        owners: [{ ownerId: 'person:alpha-pledgor', share: '1' }],
        basis: survey,
      },
    });
    expect(registered.status).toBe(201);
    const requested = await stack.call('credit', 'POST', '/v1/pledges', {
      token: alpha,
      body: {
        pledgeId: 'P-SA1',
        cadastralNumber: 'SCOPE-1',
        bankId: 'bank:alpha',
        loanId: 'L-SA1',
        pledgor: 'person:alpha-pledgor',
        basis: loanAgreement,
      },
    });
    expect(requested.status).toBe(201);
    // The activation names the pledge, not the bank: the rule finds the bank through the pledge's request.
    await stack.eventually('pledge P-SA1 active', async () => {
      const pledge = await stack.call('credit', 'GET', '/v1/pledges/P-SA1', { token: alpha });
      return pledge.body.status === 'active' ? true : undefined;
    });
    // Each bank's credit application offering the parcel: the purpose of a creditor-register search.
    for (const [token, bankId, applicationId, borrower] of [
      [alpha, 'bank:alpha', 'APP-SA1', 'person:alpha-borrower'],
      [beta, 'bank:beta', 'APP-SB1', 'person:beta-applicant'],
    ] as const) {
      const opened = await stack.call('credit', 'POST', `/v1/banks/${bankId}/applications`, {
        token,
        body: { applicationId, borrower, assets: ['SCOPE-1'], basis: creditApplication },
      });
      expect(opened.status).toBe(201);
    }

    diplomaAdmin = await stack.token('diploma', 'admin', 'admin:scope');
    uniA = await stack.token('diploma', 'clerk', 'clerk:scope-uni-a', 'inst:uni-a');
    uniB = await stack.token('diploma', 'clerk', 'clerk:scope-uni-b', 'inst:uni-b');
    for (const institutionId of ['inst:uni-a', 'inst:uni-b']) {
      const answer = await stack.call('diploma', 'POST', '/v1/institutions', {
        token: diplomaAdmin,
        body: { institutionId, name: `University ${institutionId}`, accreditation: 'NCEQE-1', basis: accreditation },
      });
      expect(answer.status).toBe(201);
    }
    const issued = await stack.call('diploma', 'POST', '/v1/diplomas', {
      token: uniA,
      body: {
        diplomaNumber: 'UA-2026-0001',
        institutionId: 'inst:uni-a',
        holder: 'person:ua-holder',
        holderName: 'Holder Of Uni A',
        programme: 'Physics',
        degree: 'master',
        awardedOn: '2026-06-30',
        basis: decision,
      },
    });
    expect(issued.status).toBe(201);
    // A correction names only the diploma: the rule finds the institution through the diploma's issue.
    const corrected = await stack.call('diploma', 'POST', '/v1/diplomas/UA-2026-0001/corrections', {
      token: uniA,
      body: { corrections: { holderName: 'Holder Of Uni A Corrected' }, reason: 'typo', basis: decision },
    });
    expect(corrected.status).toBe(201);
  });

  afterAll(() => stack.stop());

  it.each(['land', 'credit', 'diploma'])('%s: every route Nest registered is in the OpenAPI document', async (name) => {
    const documented = new Set((await documentedRoutes(stack, name)).map(key));
    const registered = registeredRoutes(stack.get(name).app);
    expect(registered.length).toBeGreaterThan(20);
    expect(registered.map(key).filter((route) => !documented.has(route))).toEqual([]);
  });

  it("lists to a bank's clerk exactly its own bank's entries, every page followed", async () => {
    const alphaSeqs = await seqsMentioning(stack, 'credit', creditAdmin, ['bank:alpha', 'P-SA1']);
    const betaSeqs = await seqsMentioning(stack, 'credit', creditAdmin, ['bank:beta']);
    // Registration, loan, pledge request, activation (found through the request), application;
    // beta: registration, loan, application.
    expect(alphaSeqs).toHaveLength(5);
    expect(betaSeqs).toHaveLength(3);
    expect(await listedSeqs(stack, 'credit', alpha)).toEqual(alphaSeqs);
    expect(await listedSeqs(stack, 'credit', beta)).toEqual(betaSeqs);
    expect(await listedSeqs(stack, 'credit', betaAuditor)).toEqual(betaSeqs);

    const foreign = await stack.call('credit', 'GET', `/v1/ledger/entries/${alphaSeqs[3]}`, { token: beta });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'AUTH.OUT_OF_SCOPE', errors: [{ field: 'seq' }] });
    expect((await stack.call('credit', 'GET', `/v1/ledger/entries/${alphaSeqs[3]}`, { token: alpha })).status).toBe(
      200,
    );
    const exported = await stack.call('credit', 'GET', '/v1/ledger/export', { token: beta });
    expect(exported.status).toBe(403);
    expect(exported.body).toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    expect((await stack.call('credit', 'GET', '/v1/ledger/export', { token: creditAdmin })).status).toBe(200);
  });

  it("shows a bank's clerk and auditor nothing of another bank's on any GET route of the credit registry", async () => {
    const values = {
      bankId: ['bank:alpha'],
      applicationId: ['APP-SA1'],
      pledgeId: ['P-SA1'],
      cadastralNumber: ['SCOPE-1'],
      seq: (await seqsMentioning(stack, 'credit', creditAdmin, ['bank:alpha', 'P-SA1'])).map(String),
    };
    const marks = {
      owned: ['bank:alpha', 'L-SA1', 'P-SA1', 'APP-SA1'],
      personal: ['person:alpha-borrower', 'person:alpha-pledgor'],
    };
    for (const token of [beta, betaAuditor]) {
      const { checked, leaks } = await foreignAnswers(stack, 'credit', token, values, marks);
      expect(leaks).toEqual([]);
      expect(checked.length).toBeGreaterThan(15);
    }
    // The same routes do answer the bank's own clerk: the check above is not passing on empty answers.
    const own = await foreignAnswers(stack, 'credit', alpha, values, { owned: ['bank:alpha'], personal: [] });
    expect(own.leaks).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/v1/banks/bank%3Aalpha (200)'),
        expect.stringContaining('/v1/banks/bank%3Aalpha/applications/APP-SA1 (200)'),
        expect.stringContaining('/v1/pledges/P-SA1 (200)'),
        expect.stringContaining('/v1/parcels/SCOPE-1/pledges (200)'),
        expect.stringContaining('/v1/ledger/entries (200)'),
      ]),
    );
  });

  it("the one exception, the shared creditor register: another bank's pledge as its named fields only, with a purpose, audited", async () => {
    const route = '/v1/creditor-register/pledges';
    const withoutPurpose = await stack.call('credit', 'GET', `${route}?asset=SCOPE-1`, { token: beta });
    expect(withoutPurpose.status).toBe(400);
    expect(withoutPurpose.body).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'purpose' }] });
    // Alpha's application is no purpose of beta's.
    const foreignPurpose = await stack.call('credit', 'GET', `${route}?asset=SCOPE-1&purpose=APP-SA1`, { token: beta });
    expect(foreignPurpose.status).toBe(403);
    expect(foreignPurpose.body).toMatchObject({
      code: 'CREDIT.PURPOSE_NOT_PERMISSIBLE',
      errors: [{ field: 'purpose' }],
    });

    const entries = await stack.call('credit', 'GET', '/v1/ledger/entries?limit=1000', { token: creditAdmin });
    const activation = (
      entries.body.entries as Array<{
        envelope: { type: string; time: string };
        data: { fields: { pledgeId?: string } };
      }>
    ).find(
      (entry) => entry.envelope.type === 'gov.credit.pledge.activated.v1' && entry.data.fields.pledgeId === 'P-SA1',
    )!;
    {
      const answer = await stack.call('credit', 'GET', `${route}?asset=SCOPE-1&purpose=APP-SB1`, { token: beta });
      expect(answer.status).toBe(200);
      const pledges = answer.body.pledges as Array<Record<string, unknown>>;
      expect(pledges.map((pledge) => Object.keys(pledge).sort())).toEqual([
        ['amountBand', 'asset', 'date', 'exists', 'rank'],
      ]);
      expect(pledges).toEqual([
        {
          exists: true,
          asset: 'SCOPE-1',
          amountBand: { currency: 'GEL', from: '1000.00', below: '10000.00' },
          rank: 1,
          date: activation.envelope.time.slice(0, 10),
        },
      ]);
      // Nothing else of alpha's is in the answer.
      const text = JSON.stringify(answer.body);
      for (const mark of ['bank:alpha', 'L-SA1', 'P-SA1', 'APP-SA1', 'person:alpha-borrower', 'person:alpha-pledgor'])
        expect(text).not.toContain(mark);
    }
    const audit = await stack.call('credit', 'GET', '/v1/audit/reads?subject=SCOPE-1', { token: creditAuditor });
    expect(
      (audit.body.reads as Array<{ operator: string; route: string; detail: string }>)
        .filter((read) => read.route === route)
        .map(({ operator, detail }) => ({ operator, detail })),
    ).toEqual([
      {
        operator: 'clerk:scope-beta',
        detail:
          'creditor-register search: purpose credit application APP-SB1 of bank:beta; asked asset SCOPE-1; answers 1, of other banks 1',
      },
    ]);
  });

  it("shows an institution's registrar nothing of another institution's on any GET route of the diploma register", async () => {
    const seqs = await seqsMentioning(stack, 'diploma', diplomaAdmin, ['inst:uni-a', 'UA-2026-0001']);
    // The institution's registration, the issue, the correction (found through the issue).
    expect(seqs).toHaveLength(3);
    expect(await listedSeqs(stack, 'diploma', uniA)).toEqual(seqs);
    const values = { diplomaNumber: ['UA-2026-0001'], institutionId: ['inst:uni-a'], seq: seqs.map(String) };
    const { checked, leaks } = await foreignAnswers(stack, 'diploma', uniB, values, {
      owned: ['inst:uni-a', 'UA-2026-0001'],
      personal: ['person:ua-holder', 'Holder Of Uni A'],
    });
    expect(leaks).toEqual([]);
    expect(checked.length).toBeGreaterThan(12);
    const own = await foreignAnswers(stack, 'diploma', uniA, values, { owned: ['Holder Of Uni A'], personal: [] });
    expect(own.leaks).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/v1/diplomas/UA-2026-0001 (200)'),
        expect.stringContaining('/v1/ledger/entries (200)'),
      ]),
    );
  });
});
