import { DepartmentStack } from './department-stack.js';

const survey = { documentType: 'survey', reference: 'S-C' };
const decision = { documentType: 'academic-decision', reference: 'AD-C' };
const courtDecision = (reference: string) => ({ documentType: 'court-decision', reference });

/**
 * The court's judgments carried out by the other registers on real Kafka and
 * Postgres, each reaction an entry of the reacting department citing the
 * order: a seizure, its release, a diploma annulment, a pledge ban; an order
 * about a parcel that does not exist is a recorded refusal; a replayed
 * judgment is carried out once.
 */
describe('court orders carried out by land, diploma and credit', () => {
  const stack = new DepartmentStack();
  let judge: string;
  let landAuditor: string;
  let creditAuditor: string;

  const judgment = (judgmentId: string, orders: unknown[], corrects?: string) =>
    stack.call('court', 'POST', '/v1/cases/C-7-2026/judgments', {
      token: judge,
      body: {
        judgmentId,
        decidedOn: '2026-11-20',
        summary: 'the court decided',
        orders,
        ...(corrects ? { corrects } : {}),
        basis: courtDecision(`C-7/2026 ${judgmentId}`),
      },
    });
  const parcel = async (cadastralNumber: string) =>
    (await stack.call('land', 'GET', `/v1/parcels/${cadastralNumber}`, { token: landAuditor })).body as {
      encumbrances?: Array<{ encumbranceId: string; kind: string; holder: string }>;
    };
  const landEntriesCiting = async (orderType: string) =>
    Number(
      (
        (await stack.get('land').runtime.dataSource.query(
          `SELECT count(*) AS n FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
            WHERE e.chain = 'land' AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' -> 'cause' ->> 'chain' = 'court'
              AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' -> 'cause' ->> 'seq' IN (
                SELECT seq::text FROM received_entry WHERE source_chain = 'court' AND type = $1)`,
          [orderType],
        )) as Array<{ n: string }>
      )[0]!.n,
    );

  beforeAll(async () => {
    await stack.start(['land', 'credit', 'diploma', 'court']);
    await stack.grant('court', 'land', ['gov.court.seizure.*', 'gov.court.seizure-release.*']);
    await stack.grant('court', 'diploma', ['gov.court.diploma-annulment.*']);
    await stack.grant('court', 'credit', ['gov.court.pledge-ban.*']);
    judge = await stack.token('court', 'clerk', 'clerk:court-1');
    landAuditor = await stack.token('land', 'auditor', 'auditor:court-test');
    creditAuditor = await stack.token('credit', 'auditor', 'auditor:court-test');
    const landClerk = await stack.token('land', 'clerk', 'clerk:court-test');
    expect(
      (
        await stack.call('land', 'POST', '/v1/parcels', {
          token: landClerk,
          body: {
            cadastralNumber: 'CRT-1',
            areaSquareMetres: '600.00',
            location: 'Rustavi',
            landUse: 'residential',
            owners: [{ ownerId: 'person:9', share: '1' }],
            basis: survey,
          },
        })
      ).status,
    ).toBe(201);
    const diplomaAdmin = await stack.token('diploma', 'admin', 'admin:court-test');
    expect(
      (
        await stack.call('diploma', 'POST', '/v1/institutions', {
          token: diplomaAdmin,
          body: {
            institutionId: 'inst:gtu',
            name: 'Georgian Technical University',
            accreditation: 'N-2',
            basis: decision,
          },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await stack.call('diploma', 'POST', '/v1/diplomas', {
          token: diplomaAdmin,
          body: {
            diplomaNumber: 'GTU-2020-9',
            institutionId: 'inst:gtu',
            holder: 'person:9',
            holderName: 'Giorgi Maisuradze',
            programme: 'Civil Engineering',
            degree: 'bachelor',
            awardedOn: '2020-07-01',
            basis: decision,
          },
        })
      ).status,
    ).toBe(201);
    const opened = await stack.call('court', 'POST', '/v1/cases', {
      token: judge,
      body: {
        caseNumber: 'C-7-2026',
        parties: [
          { partyId: 'org:prosecutor', role: 'prosecutor' },
          { partyId: 'person:9', role: 'defendant' },
        ],
        subject: 'fraud',
        basis: courtDecision('C-7/2026'),
      },
    });
    expect(opened.status).toBe(201);
  });

  afterAll(() => stack.stop());

  it('carries out a judgment in every register it concerns, and refuses on the record an order about no parcel', async () => {
    const registered = await judgment('J-1', [
      { kind: 'seize-parcel', cadastralNumber: 'CRT-1' },
      { kind: 'annul-diploma', diplomaNumber: 'GTU-2020-9' },
      { kind: 'ban-pledges', cadastralNumber: 'CRT-1' },
      { kind: 'seize-parcel', cadastralNumber: 'NOPE-1' },
    ]);
    expect(registered.status).toBe(201);
    // One judgment entry and one entry per order, each of its own type.
    expect((registered.body.entries as Array<{ type: string }>).map((entry) => entry.type)).toEqual([
      'gov.court.judgment.registered.v1',
      'gov.court.seizure.ordered.v1',
      'gov.court.diploma-annulment.ordered.v1',
      'gov.court.pledge-ban.ordered.v1',
      'gov.court.seizure.ordered.v1',
    ]);

    const seized = await stack.eventually('the land register to record the seizure', async () => {
      const body = await parcel('CRT-1');
      return body.encumbrances?.find((e) => e.kind === 'seizure');
    });
    expect(seized).toMatchObject({ encumbranceId: 'J-1', holder: 'court:C-7-2026/J-1' });

    const status = await stack.eventually('the diploma to be annulled', async () => {
      const answer = await stack.call('diploma', 'GET', '/v1/diplomas/GTU-2020-9/status');
      return answer.body.status === 'revoked' ? answer.body : undefined;
    });
    expect(status.revoked).toMatchObject({
      byJudgment: true,
      reason: expect.stringMatching(/judgment J-1 in case C-7-2026/),
    });

    const banned = await stack.eventually('the credit register to record the pledge ban', async () => {
      const answer = await stack.call('credit', 'GET', '/v1/parcels/CRT-1/pledges', { token: creditAuditor });
      return answer.body.pledgeBanned === true ? answer.body : undefined;
    });
    expect(banned.pledgeBanned).toBe(true);

    // The parcel that does not exist: a refusal entry of the land register, citing the order.
    const refusal = await stack.eventually('a recorded refusal of the seizure of NOPE-1', async () => {
      const history = await stack.call('land', 'GET', '/v1/parcels/NOPE-1/history', { token: landAuditor });
      const entries = (history.body.entries ?? []) as Array<{ type: string; data: Record<string, unknown> }>;
      return entries.find((entry) => entry.type === 'gov.land.encumbrance.refused.v1');
    });
    expect(refusal.data).toMatchObject({
      kind: 'seizure',
      code: 'LAND.PARCEL_NOT_FOUND',
      cause: { chain: 'court' },
    });
  });

  it('carries out a replayed judgment once', async () => {
    const before = await landEntriesCiting('gov.court.seizure.ordered.v1');
    expect(before).toBe(2); // the seizure of CRT-1 and the refusal for NOPE-1
    // The court's relay publishes its whole ledger again: every consumer receives every order twice.
    await stack
      .get('court')
      .runtime.dataSource.query(`UPDATE relay_cursor SET published_seq = 0 WHERE chain = 'court'`);
    const marker = await judgment('J-2', [
      { kind: 'release-seizure', cadastralNumber: 'CRT-1', seizureJudgmentId: 'J-1' },
    ]);
    expect(marker.status).toBe(201);
    await stack.eventually('the release (after the replayed orders) to lift the seizure', async () => {
      const body = await parcel('CRT-1');
      return body.encumbrances?.some((e) => e.kind === 'seizure') === false ? true : undefined;
    });
    // The replay did arrive (as duplicates), and changed nothing.
    const metrics = await (await fetch(`${stack.get('land').url}/metrics`)).text();
    const duplicates =
      /^registry_bus_consumer_records_total\{[^}]*topic="gov\.court\.ledger\.v2"[^}]*outcome="duplicate"[^}]*\} (\d+)$/m.exec(
        metrics,
      );
    expect(Number(duplicates?.[1] ?? 0)).toBeGreaterThan(0);
    expect(await landEntriesCiting('gov.court.seizure.ordered.v1')).toBe(before);
    expect(await landEntriesCiting('gov.court.seizure-release.ordered.v1')).toBe(1);
  });

  it('keeps judgments final: a correction is a new judgment that cites the one it corrects', async () => {
    expect(await judgment('J-1', [])).toMatchObject({ status: 409, body: { code: 'COURT.JUDGMENT_EXISTS' } });
    expect(await judgment('J-3', [], 'J-9')).toMatchObject({
      status: 422,
      body: { code: 'COURT.JUDGMENT_NOT_FOUND', errors: [{ field: 'corrects' }] },
    });
    expect((await judgment('J-3', [], 'J-1')).status).toBe(201);
    const release = await judgment('J-4', [
      { kind: 'release-seizure', cadastralNumber: 'CRT-1', seizureJudgmentId: 'J-3' },
    ]);
    expect(release).toMatchObject({ status: 422, body: { code: 'COURT.NO_SUCH_SEIZURE' } });
  });
});
