import { recordAggregate } from '@registry-bus/kit';

import { DepartmentStack } from './department-stack.js';

const survey = { documentType: 'survey', reference: 'S-U' };
const loanAgreement = { documentType: 'loan-agreement', reference: 'L-U1' };
const courtDecision = (reference: string) => ({ documentType: 'court-decision', reference });

interface Encumbrance {
  encumbranceId: string;
  kind: string;
  recordedBy: string;
}

/**
 * Who may undo what, tried as an insider would on real Kafka and Postgres: a
 * land clerk can neither lift a bank's pledge or a court's seizure nor
 * record a seizure by hand (403 naming the rule, nothing written), while the
 * credit registry's release and the court's release order still lift them;
 * and a land register that writes a signed lift of a pledge its bank never
 * released (its own key, bypassing its rules) does not release it in the
 * credit registry.
 */
describe('an encumbrance is lifted only by the party whose entry created it', () => {
  const stack = new DepartmentStack();
  let landClerk: string;
  let landAuditor: string;
  let bank: string;
  let judge: string;

  const parcel = async (cadastralNumber: string) =>
    (
      (await stack.call('land', 'GET', `/v1/parcels/${cadastralNumber}`, { token: landAuditor })).body as {
        encumbrances: Encumbrance[];
      }
    ).encumbrances;
  const pledgeStatus = async (pledgeId: string) =>
    (await stack.call('credit', 'GET', `/v1/pledges/${pledgeId}`, { token: bank })).body.status as string;
  const landHead = async () => (await stack.call('land', 'GET', '/v1/ledger/head')).body.seq as number;
  /** A pledge of UNDO-1 requested by bank alpha's clerk, once the land register has made it active. */
  const activePledge = async (pledgeId: string) => {
    const requested = await stack.call('credit', 'POST', '/v1/pledges', {
      token: bank,
      body: {
        pledgeId,
        cadastralNumber: 'UNDO-1',
        bankId: 'bank:alpha',
        loanId: 'L-U1',
        pledgor: 'person:1',
        basis: loanAgreement,
      },
    });
    expect(requested.status).toBe(201);
    await stack.eventually(`pledge ${pledgeId} active`, async () =>
      (await pledgeStatus(pledgeId)) === 'active' ? true : undefined,
    );
  };
  const clerkLift = (cadastralNumber: string, encumbranceId: string) =>
    stack.call('land', 'POST', `/v1/parcels/${cadastralNumber}/encumbrances/${encumbranceId}/lift`, {
      token: landClerk,
      body: { basis: courtDecision('forged') },
    });
  const judgment = (judgmentId: string, orders: unknown[]) =>
    stack.call('court', 'POST', '/v1/cases/C-U-2026/judgments', {
      token: judge,
      body: { judgmentId, decidedOn: '2026-11-20', summary: 'decided', orders, basis: courtDecision(judgmentId) },
    });

  beforeAll(async () => {
    await stack.start(['land', 'credit', 'court']);
    await stack.pledgeSagaGrants();
    await stack.grant('court', 'land', ['gov.court.seizure.*', 'gov.court.seizure-release.*']);
    landClerk = await stack.token('land', 'clerk', 'clerk:undo');
    landAuditor = await stack.token('land', 'auditor', 'auditor:undo');
    judge = await stack.token('court', 'clerk', 'clerk:undo-court');
    bank = await stack.token('credit', 'clerk', 'clerk:undo-alpha', 'bank:alpha');
    await stack.bankWithLoan('bank:alpha', 'L-U1', 'person:1', bank);
    for (const cadastralNumber of ['UNDO-1', 'UNDO-2']) {
      const registered = await stack.call('land', 'POST', '/v1/parcels', {
        token: landClerk,
        body: {
          cadastralNumber,
          areaSquareMetres: '700.00',
          location: 'Gori',
          landUse: 'agricultural',
          owners: [{ ownerId: 'person:1', share: '1' }],
          basis: survey,
        },
      });
      expect(registered.status).toBe(201);
    }
    const opened = await stack.call('court', 'POST', '/v1/cases', {
      token: judge,
      body: {
        caseNumber: 'C-U-2026',
        parties: [{ partyId: 'person:1', role: 'defendant' }],
        subject: 'debt',
        basis: courtDecision('C-U/2026'),
      },
    });
    expect(opened.status).toBe(201);
  });

  afterAll(() => stack.stop());

  it("refuses a land clerk's lift of a bank's pledge; the bank's release lifts it", async () => {
    await activePledge('P-U1');
    expect(await parcel('UNDO-1')).toEqual([expect.objectContaining({ encumbranceId: 'P-U1', recordedBy: 'credit' })]);

    const before = await landHead();
    const lifted = await clerkLift('UNDO-1', 'P-U1');
    expect(lifted.status).toBe(403);
    expect(lifted.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(lifted.body).toMatchObject({
      code: 'LAND.NOT_THE_CREATOR',
      errors: [{ field: 'encumbranceId' }],
      detail:
        "pledge P-U1 on parcel UNDO-1 was recorded on the credit registry's entry; only the credit registry may lift it, not a land clerk's command",
    });
    expect(await landHead()).toBe(before);
    expect(await parcel('UNDO-1')).toHaveLength(1);

    const release = await stack.call('credit', 'POST', '/v1/pledges/P-U1/release', {
      token: bank,
      body: { basis: loanAgreement },
    });
    expect(release.status).toBe(201);
    await stack.eventually('the pledge released', async () =>
      (await pledgeStatus('P-U1')) === 'released' ? true : undefined,
    );
    expect(await parcel('UNDO-1')).toEqual([]);
  });

  it("refuses a land clerk's seizure by hand and lift of a court's seizure; the court's release order lifts it", async () => {
    const before = await landHead();
    const byHand = await stack.call('land', 'POST', '/v1/parcels/UNDO-2/encumbrances', {
      token: landClerk,
      body: { encumbranceId: 'S-HAND', kind: 'seizure', holder: 'court:tbilisi', basis: courtDecision('none') },
    });
    expect(byHand).toMatchObject({
      status: 403,
      body: { code: 'LAND.ENCUMBRANCE_NEEDS_ORDER', errors: [{ field: 'kind' }] },
    });
    expect(await landHead()).toBe(before);

    expect((await judgment('J-U1', [{ kind: 'seize-parcel', cadastralNumber: 'UNDO-2' }])).status).toBe(201);
    await stack.eventually('the seizure recorded', async () =>
      (await parcel('UNDO-2')).some((e) => e.encumbranceId === 'J-U1') ? true : undefined,
    );
    expect(await parcel('UNDO-2')).toEqual([
      expect.objectContaining({ encumbranceId: 'J-U1', kind: 'seizure', recordedBy: 'court' }),
    ]);
    const atSeizure = await landHead();
    const lifted = await clerkLift('UNDO-2', 'J-U1');
    expect(lifted).toMatchObject({ status: 403, body: { code: 'LAND.NOT_THE_CREATOR' } });
    expect(await landHead()).toBe(atSeizure);

    expect(
      (await judgment('J-U2', [{ kind: 'release-seizure', cadastralNumber: 'UNDO-2', seizureJudgmentId: 'J-U1' }]))
        .status,
    ).toBe(201);
    await stack.eventually('the seizure lifted', async () =>
      (await parcel('UNDO-2')).length === 0 ? true : undefined,
    );
  });

  it('keeps a pledge active in the credit registry when the land register signs a lift its bank never asked for', async () => {
    await activePledge('P-U2');
    const creditRequest = (
      (await stack
        .get('credit')
        .runtime.dataSource.query(
          `SELECT seq, id, encode(hash, 'hex') AS hash FROM ledger_entry WHERE chain = 'credit' AND type = 'gov.credit.pledge.requested.v1' ORDER BY seq DESC LIMIT 1`,
        )) as Array<{ seq: string; id: string; hash: string }>
    )[0]!;

    // The land department itself (its key, its ledger) records a lift outside its rules, citing the
    // credit registry's request as if it were a release.
    const forged = await stack.get('land').runtime.commands.run(
      recordAggregate('forged-lift'),
      'UNDO-1',
      {
        type: 'gov.land.encumbrance.lifted.v1',
        data: {
          cadastralNumber: 'UNDO-1',
          encumbranceId: 'P-U2',
          basis: courtDecision('forged'),
          cause: { chain: 'credit', seq: creditRequest.seq, eventId: creditRequest.id, hash: creditRequest.hash },
        },
      },
      { actor: 'clerk:rogue' },
    );
    const forgedSeq = forged.entries[0]!.seq;
    const quarantined = await stack.eventually('credit to refuse the lift', async () => {
      const rows = (await stack
        .get('credit')
        .runtime.dataSource.query(
          `SELECT code, reason FROM consumer_quarantine WHERE source_chain = 'land' AND seq = $1`,
          [forgedSeq],
        )) as Array<{ code: string; reason: string }>;
      return rows.length > 0 ? rows : undefined;
    });
    expect(quarantined).toEqual([
      {
        code: 'CONSUMER.HANDLER_FAILED',
        reason: 'pledge P-U2 is active; it cannot be marked released by the land registry before its bank released it',
      },
    ]);
    expect(await pledgeStatus('P-U2')).toBe('active');
  });
});
