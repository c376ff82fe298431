import { DepartmentStack } from './department-stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const survey = { documentType: 'survey', reference: 'S-1' };
const loanAgreement = (reference: string) => ({ documentType: 'loan-agreement', reference });

interface Pledge {
  pledgeId: string;
  status: string;
  pledgor: string;
}

/**
 * The pledge saga across two departments on real Kafka and Postgres: the
 * credit registry requests, the land registry decides, and each answer is an
 * entry of the answering department citing the entry it answers.
 */
describe('pledge saga: credit registry ⇄ land registry', () => {
  const stack = new DepartmentStack();
  let landClerk: string;
  let landAuditor: string;
  let creditAdmin: string;
  let alpha: string;
  let beta: string;

  const registerParcel = (cadastralNumber: string, owner = 'person:1') =>
    stack.call('land', 'POST', '/v1/parcels', {
      token: landClerk,
      body: {
        cadastralNumber,
        areaSquareMetres: '800.00',
        location: 'Kutaisi',
        landUse: 'agricultural',
        owners: [{ ownerId: owner, share: '1' }],
        basis: survey,
      },
    });

  const pledgeOf = async (pledgeId: string) =>
    (await stack.call('credit', 'GET', `/v1/pledges/${pledgeId}`, { token: creditAdmin })).body as unknown as Pledge;

  const settled = (pledgeId: string, statuses: string[]) =>
    stack.eventually(`pledge ${pledgeId} to be ${statuses.join(' or ')}`, async () => {
      const pledge = await pledgeOf(pledgeId);
      return statuses.includes(pledge.status) ? pledge : undefined;
    });

  const requestPledge = (token: string, pledgeId: string, cadastralNumber: string, bankId: string, loanId: string) =>
    stack.call('credit', 'POST', '/v1/pledges', {
      token,
      body: { pledgeId, cadastralNumber, bankId, loanId, pledgor: 'person:1', basis: loanAgreement(loanId) },
    });

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    await stack.pledgeSagaGrants();
    landClerk = await stack.token('land', 'clerk', 'clerk:lia');
    landAuditor = await stack.token('land', 'auditor', 'auditor:lev');
    creditAdmin = await stack.token('credit', 'admin', 'admin:credit');
    alpha = await stack.token('credit', 'clerk', 'clerk:alpha-1', 'bank:alpha');
    beta = await stack.token('credit', 'clerk', 'clerk:beta-1', 'bank:beta');
    for (const [bankId, token, loanId] of [
      ['bank:alpha', alpha, 'L-A1'],
      ['bank:beta', beta, 'L-B1'],
    ] as const) {
      const bank = await stack.call('credit', 'POST', '/v1/banks', {
        token: creditAdmin,
        body: {
          bankId,
          name: bankId,
          licence: `NBG-${bankId}`,
          basis: { documentType: 'administrative-act', reference: 'NBG-1' },
        },
      });
      expect(bank.status).toBe(201);
      const loan = await stack.call('credit', 'POST', `/v1/banks/${bankId}/loans`, {
        token,
        body: {
          loanId,
          kind: 'loan',
          borrower: 'person:1',
          amount: '100000.00',
          currency: 'GEL',
          basis: loanAgreement(loanId),
        },
      });
      expect(loan.status).toBe(201);
    }
  });

  afterAll(() => stack.stop());

  it('lets only registry admins register a bank', async () => {
    const answer = await stack.call('credit', 'POST', '/v1/banks', {
      token: alpha,
      body: {
        bankId: 'bank:gamma',
        name: 'Gamma',
        licence: 'X',
        basis: { documentType: 'administrative-act', reference: 'X' },
      },
    });
    expect(answer).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
  });

  it('request → encumbrance → active → second pledge refused → sale refused → consent → sale → release', async () => {
    expect((await registerParcel('SAGA-1')).status).toBe(201);

    // A bank's clerk acts only for that bank.
    const foreign = await requestPledge(beta, 'P-X', 'SAGA-1', 'bank:alpha', 'L-A1');
    expect(foreign).toMatchObject({ status: 403, body: { code: 'AUTH.OUT_OF_SCOPE', errors: [{ field: 'bankId' }] } });

    expect((await requestPledge(alpha, 'P-1', 'SAGA-1', 'bank:alpha', 'L-A1')).status).toBe(201);
    const active = await settled('P-1', ['active', 'refused']);
    expect(active.status).toBe('active');
    const parcel = await stack.call('land', 'GET', '/v1/parcels/SAGA-1', { token: landAuditor });
    expect(parcel.body.encumbrances).toEqual([
      expect.objectContaining({ encumbranceId: 'P-1', kind: 'pledge', holder: 'bank:alpha' }),
    ]);

    // The double pledge: refused at once by the credit registry.
    const second = await requestPledge(beta, 'P-2', 'SAGA-1', 'bank:beta', 'L-B1');
    expect(second).toMatchObject({ status: 409, body: { code: 'CREDIT.PARCEL_PLEDGED_ELSEWHERE' } });

    // The sale without the pledgee's consent: refused by the land registry.
    const sale = {
      from: 'person:1',
      to: [{ ownerId: 'person:2', share: '1' }],
      share: '1',
      basis: { documentType: 'contract-of-sale', reference: 'K-1' },
    };
    const refusedSale = await stack.call('land', 'POST', '/v1/parcels/SAGA-1/transfers', {
      token: landClerk,
      body: sale,
    });
    expect(refusedSale).toMatchObject({ status: 409, body: { code: 'LAND.PARCEL_PLEDGED' } });

    // Consent, recorded by the land registry from the credit entry; then the sale goes through.
    const consent = await stack.call('credit', 'POST', '/v1/pledges/P-1/consents', {
      token: alpha,
      body: { to: 'transfer', counterparty: 'person:2', basis: { documentType: 'consent-letter', reference: 'CL-1' } },
    });
    expect(consent.status).toBe(201);
    await stack.eventually('the land registry to record the consent', async () => {
      const state = (await stack.call('land', 'GET', '/v1/parcels/SAGA-1', { token: landAuditor })).body as {
        encumbrances: Array<{ consents: unknown[] }>;
      };
      return state.encumbrances[0]!.consents.length > 0 ? true : undefined;
    });
    const soldAnswer = await stack.call('land', 'POST', '/v1/parcels/SAGA-1/transfers', {
      token: landClerk,
      body: sale,
    });
    expect(soldAnswer.status).toBe(201);
    const newPledgor = await stack.eventually('the pledgor to change', async () => {
      const pledge = await pledgeOf('P-1');
      return pledge.pledgor === 'person:2' ? pledge : undefined;
    });
    expect(newPledgor.status).toBe('active');

    // Release: the land registry lifts the encumbrance, and only then is the pledge released.
    const release = await stack.call('credit', 'POST', '/v1/pledges/P-1/release', {
      token: alpha,
      body: { basis: { documentType: 'repayment-receipt', reference: 'R-1' } },
    });
    expect(release.status).toBe(201);
    expect((await settled('P-1', ['released'])).status).toBe('released');
    const after = await stack.call('land', 'GET', '/v1/parcels/SAGA-1', { token: landAuditor });
    expect(after.body.encumbrances).toEqual([]);

    // Every reaction cites its cause, and the cause is really there with that hash.
    await expectCausesResolve('credit', 'land');
    await expectCausesResolve('land', 'credit');
    for (const department of ['land', 'credit']) {
      expect(await stack.get(department).runtime.ledger.verify()).toMatchObject({ ok: true });
    }
  });

  it('records the land registry refusal of a pledge of an unregistered parcel, with its reason', async () => {
    expect((await requestPledge(alpha, 'P-GHOST', 'GHOST-1', 'bank:alpha', 'L-A1')).status).toBe(201);
    const pledge = await settled('P-GHOST', ['active', 'refused']);
    expect(pledge.status).toBe('refused');
    const entries = await stack.get('credit').runtime.ledger.reader.entriesOfSubject('credit', 'GHOST-1');
    const refusal = entries.find((e) => e.type === 'gov.credit.pledge.refused.v1')!;
    expect(new TextDecoder().decode(refusal.disclosure!)).toContain('LAND.PARCEL_NOT_FOUND');
  });

  it('never lets a sale and a pledge of the same parcel both succeed when fired at the same moment', async () => {
    const parcels = Array.from({ length: 12 }, (_, i) => `RACE-${i}`);
    for (const cadastralNumber of parcels) expect((await registerParcel(cadastralNumber)).status).toBe(201);
    const outcomes = await Promise.all(
      parcels.map(async (cadastralNumber, i) => {
        // Fired together, with the sale held back 0 to 2.75 s so the race is caught in every phase of the
        // saga: before the request reaches the land registry, while it is in flight, and after.
        const [sale, pledge] = await Promise.all([
          sleep(i * 250).then(() =>
            stack.call('land', 'POST', `/v1/parcels/${cadastralNumber}/transfers`, {
              token: landClerk,
              body: {
                from: 'person:1',
                to: [{ ownerId: 'person:3', share: '1' }],
                share: '1',
                basis: { documentType: 'contract-of-sale', reference: `K-R${i}` },
              },
            }),
          ),
          requestPledge(alpha, `P-R${i}`, cadastralNumber, 'bank:alpha', 'L-A1'),
        ]);
        expect(pledge.status).toBe(201);
        const settledPledge = await settled(`P-R${i}`, ['active', 'refused']);
        return { sold: sale.status === 201, pledged: settledPledge.status === 'active' };
      }),
    );
    for (const outcome of outcomes) expect(Number(outcome.sold) + Number(outcome.pledged)).toBe(1);
    // Both orders happened, so both refusals were exercised.
    expect(outcomes.some((o) => o.sold) && outcomes.some((o) => o.pledged)).toBe(true);
    // The land register agrees: a sold parcel carries no pledge, a pledged one kept its owner.
    for (const [i, cadastralNumber] of parcels.entries()) {
      const state = (await stack.call('land', 'GET', `/v1/parcels/${cadastralNumber}`, { token: landAuditor }))
        .body as {
        owners: Array<{ ownerId: string }>;
        encumbrances: unknown[];
      };
      expect(state.owners[0]!.ownerId === 'person:3').toBe(outcomes[i]!.sold);
      expect(state.encumbrances.length === 1).toBe(outcomes[i]!.pledged);
    }
  });

  /** Every `reaction:` entry of `reactor` names a cause in `owner`'s ledger whose id and hash match. */
  async function expectCausesResolve(reactor: string, owner: string): Promise<void> {
    const entries = await stack.get(reactor).runtime.ledger.reader.entries(reactor, 0, 1000);
    const reactions = entries.filter(
      (entry) => entry.disclosure && new TextDecoder().decode(entry.envelope).includes('"actor":"reaction:'),
    );
    expect(reactions.length).toBeGreaterThan(0);
    for (const entry of reactions) {
      const { fields } = JSON.parse(new TextDecoder().decode(entry.disclosure!)) as {
        fields: { cause: { chain: string; seq: string; eventId: string; hash: string } };
      };
      expect(fields.cause.chain).toBe(owner);
      const cause = await stack.get(owner).runtime.ledger.reader.entry(owner, Number(fields.cause.seq));
      expect(cause?.id).toBe(fields.cause.eventId);
      expect(Buffer.from(cause!.hash).toString('hex')).toBe(fields.cause.hash);
      const actor = (JSON.parse(new TextDecoder().decode(entry.envelope)) as { actor: string }).actor;
      expect(actor).toBe(`reaction:${fields.cause.eventId}`);
    }
  }
});
