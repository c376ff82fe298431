import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { kafkaTransport, type KafkaClientOptions } from '@registry-bus/bus';
import { DEPARTMENTS, departmentOfChain, parseStrictJson } from '@registry-bus/protocol';

import type { DevTokens } from './dev-tokens.js';
import { LOCAL_DIR, ROOT, localKafkaClient } from './local-stack.js';

/** A JSON answer of the stack, through the strict parser every decode path uses. */
const readJson = async (response: Response): Promise<unknown> => parseStrictJson(await response.text(), response.url);

const RECEIPTS_DIR = join(LOCAL_DIR, 'receipts');

export interface DemoContext {
  brokers: string[];
  /** The broker admin's credentials, when the local broker runs with users and ACLs. */
  sasl?: KafkaClientOptions['sasl'];
  ssl?: KafkaClientOptions['ssl'];
  /** The department apps (the notary among them). */
  apps: Array<{ name: string; url: string }>;
  /** The public portal's app, when it runs. */
  portalUrl?: string | undefined;
  tokens: DevTokens;
  print: (line: string) => void;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

class DemoFailure extends Error {}

/** What each register grants the others in the demo (README, "Access rights"). */
const DEMO_GRANTS: Array<{
  key: string;
  owner: string;
  body: {
    grantee: string;
    eventTypes: string[];
    fields: '*' | string[];
    purpose: string;
    basis: { documentType: 'statute' | 'data-sharing-agreement'; reference: string };
  };
}> = [
  {
    key: 'land-credit-encumbrances',
    owner: 'land',
    body: {
      grantee: 'credit',
      eventTypes: ['gov.land.encumbrance.*', 'gov.land.parcel.transferred.v1'],
      fields: '*',
      purpose: 'the pledge saga: pledges become active on the land registry entry, pledgors follow sales',
      basis: {
        documentType: 'statute',
        reference: 'Civil Code, art. 286 (a pledge of immovable property is registered)',
      },
    },
  },
  {
    key: 'land-credit-parcel-query',
    owner: 'land',
    body: {
      grantee: 'credit',
      eventTypes: ['gov.land.parcel.registered.v1'],
      fields: ['cadastralNumber', 'areaSquareMetres', 'landUse', 'encumbrances'],
      purpose: 'banks check a parcel and what encumbers it before lending',
      basis: { documentType: 'data-sharing-agreement', reference: 'DEMO-DSA-LAND-CREDIT-1' },
    },
  },
  {
    key: 'court-land-seizures',
    owner: 'court',
    body: {
      grantee: 'land',
      eventTypes: ['gov.court.seizure.*', 'gov.court.seizure-release.*'],
      fields: '*',
      purpose: 'the land registry records and lifts the seizures courts order',
      basis: { documentType: 'statute', reference: 'Civil Procedure Code, art. 199 (enforcement of a seizure)' },
    },
  },
  {
    key: 'court-diploma-annulments',
    owner: 'court',
    body: {
      grantee: 'diploma',
      eventTypes: ['gov.court.diploma-annulment.*'],
      fields: '*',
      purpose: 'the diploma registry revokes the diplomas courts annul',
      basis: { documentType: 'statute', reference: 'Law on Higher Education, art. 47' },
    },
  },
  {
    key: 'court-credit-pledge-bans',
    owner: 'court',
    body: {
      grantee: 'credit',
      eventTypes: ['gov.court.pledge-ban.*'],
      fields: '*',
      purpose: 'the credit registry refuses new pledges of parcels a court banned',
      basis: { documentType: 'statute', reference: 'Civil Procedure Code, art. 198 (interim measures)' },
    },
  },
  {
    key: 'bond-credit-holdings',
    owner: 'bond',
    body: {
      grantee: 'credit',
      eventTypes: ['gov.bond.holding.*'],
      fields: '*',
      purpose: 'banks learn what their investors hold in settled bond issues',
      basis: { documentType: 'data-sharing-agreement', reference: 'DEMO-DSA-BOND-CREDIT-1' },
    },
  },
  {
    key: 'credit-land-pledges',
    owner: 'credit',
    body: {
      grantee: 'land',
      eventTypes: ['gov.credit.pledge.*'],
      fields: '*',
      purpose: 'the land registry records, refuses and lifts pledge encumbrances',
      basis: {
        documentType: 'statute',
        reference: 'Civil Code, art. 286 (a pledge of immovable property is registered)',
      },
    },
  },
];

/**
 * Shows the stack working, through the same REST surface a clerk would use.
 * It grows with the registers (README, "What npm start shows"). Every run
 * uses fresh parcel and pledge numbers, so it can run on every start.
 */
export async function runDemo(context: DemoContext): Promise<void> {
  const { print } = context;
  await describeKafka(context);
  const departmentOf = (app: string) => app.replace(/-registry$/, '');
  const url = (department: string) => context.apps.find((app) => departmentOf(app.name) === department)?.url;
  if (!url('land') || !url('credit')) {
    print('demo: the pledge scenario needs the land and credit registries');
    return;
  }
  const token = (department: string, label: string) => {
    const value = context.tokens[department]?.[label];
    if (!value) throw new DemoFailure(`no development token ${department}/${label} in .local/dev-tokens.json`);
    return value;
  };
  const call = async (
    department: string,
    label: string,
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ) => {
    const response = await fetch(`${url(department)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token(department, label)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await readJson(response)) as Record<string, unknown> } satisfies Answer;
  };
  const expectStatus = (answer: Answer, status: number, what: string) => {
    if (answer.status !== status) {
      throw new DemoFailure(`${what}: expected HTTP ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer;
  };
  const step = (line: string) => print(`demo: ${line}`);
  const waitFor = async (what: string, probe: () => Promise<boolean>) => {
    for (let i = 0; i < 150; i++) {
      if (await probe()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new DemoFailure(`timed out after 30 s waiting for ${what}`);
  };

  const run = Date.now().toString(36).toUpperCase();
  const parcel = `DEMO-${run}`;
  const pledgeId = `P-${run}`;
  print(`\ndemo: the pledge saga on parcel ${parcel} (tokens in .local/dev-tokens.json)`);
  try {
    // The grants the registers need; the fixed idempotency keys make them once per stack, not once per start
    // (v2 since a grant carries its legal basis: a stack made before keeps its first grants, these join them).
    const grants = DEMO_GRANTS.filter((grant) => url(grant.owner) && url(grant.body.grantee));
    for (const grant of grants) {
      expectStatus(
        await call(grant.owner, 'admin', 'POST', '/v1/access/grants', grant.body, `demo-grant-v2-${grant.key}`),
        201,
        `grant ${grant.owner} → ${grant.body.grantee}`,
      );
    }
    if (context.sasl) {
      await waitFor(
        'the notary to turn the grants into broker ACLs',
        async () =>
          (await readAcls(context)).includes('credit→land') && (await readAcls(context)).includes('land→credit'),
      );
      step('the notary turned the grants into broker ACLs: credit may now read land’s ledger topic, land credit’s');
    }
    step(
      `grants: ${grants.map((g) => `${g.owner} → ${g.body.grantee} (${g.body.eventTypes.join(', ')}${g.body.fields === '*' ? '' : `; fields ${g.body.fields.join(', ')}`})`).join('; ')}`,
    );

    for (const bank of ['alpha', 'beta']) {
      const answer = await call('credit', 'admin', 'POST', '/v1/banks', {
        bankId: `bank:${bank}`,
        name: `${bank[0]!.toUpperCase()}${bank.slice(1)} Bank`,
        licence: `NBG-${bank}`,
        basis: { documentType: 'administrative-act', reference: `NBG-licence-${bank}` },
      });
      if (answer.status !== 201 && answer.body.code !== 'CREDIT.BANK_EXISTS')
        expectStatus(answer, 201, 'register bank');
      expectStatus(
        await call('credit', `clerk-${bank}`, 'POST', `/v1/banks/bank:${bank}/loans`, {
          loanId: `L-${bank}-${run}`,
          kind: 'loan',
          borrower: 'person:demo-1',
          amount: '150000.00',
          currency: 'GEL',
          basis: { documentType: 'loan-agreement', reference: `LA-${bank}-${run}` },
        }),
        201,
        'record a loan',
      );
    }
    step('banks alpha and beta are registered lenders, each with a loan to person:demo-1');

    const registered = expectStatus(
      await call('land', 'clerk', 'POST', '/v1/parcels', {
        cadastralNumber: parcel,
        areaSquareMetres: '950.00',
        location: 'Tbilisi, Vake, plot 12',
        landUse: 'residential',
        owners: [{ ownerId: 'person:demo-1', share: '1' }],
        basis: { documentType: 'survey', reference: `SV-${run}` },
      }),
      201,
      'register a parcel',
    );
    step(`land registry: parcel ${parcel} registered, owner person:demo-1`);

    const asked = expectStatus(
      await call('credit', 'clerk-alpha', 'POST', '/v1/queries/land/parcel', { params: { cadastralNumber: parcel } }),
      200,
      'ask the land registry about the parcel',
    );
    step(
      `bank alpha asks the land registry about ${parcel} over Kafka: ${JSON.stringify(asked.body.answer)} (granted fields only: no owners)`,
    );

    const pledge = (bank: string, id: string) =>
      call('credit', `clerk-${bank}`, 'POST', '/v1/pledges', {
        pledgeId: id,
        cadastralNumber: parcel,
        bankId: `bank:${bank}`,
        loanId: `L-${bank}-${run}`,
        pledgor: 'person:demo-1',
        basis: { documentType: 'loan-agreement', reference: `LA-${bank}-${run}` },
      });
    expectStatus(await pledge('alpha', pledgeId), 201, 'request a pledge');
    step(`credit registry: bank alpha requests pledge ${pledgeId} (requested)`);
    await waitFor('the pledge to become active', async () => {
      const answer = await call('credit', 'auditor', 'GET', `/v1/pledges/${pledgeId}`);
      return answer.body.status === 'active';
    });
    step('land registry recorded the encumbrance; credit registry: pledge active (citing the land entry)');

    const second = expectStatus(await pledge('beta', `P2-${run}`), 409, 'a second pledge');
    step(`refused: bank beta pledges the same parcel → ${String(second.body.code)}: ${String(second.body.detail)}`);

    const sale = {
      from: 'person:demo-1',
      to: [{ ownerId: 'person:demo-2', share: '1' }],
      share: '1',
      basis: { documentType: 'contract-of-sale', reference: `KS-${run}` },
    };
    const refusedSale = expectStatus(
      await call('land', 'clerk', 'POST', `/v1/parcels/${parcel}/transfers`, sale),
      409,
      'a sale without consent',
    );
    step(`refused: sale to person:demo-2 → ${String(refusedSale.body.code)}: ${String(refusedSale.body.detail)}`);

    expectStatus(
      await call('credit', 'clerk-alpha', 'POST', `/v1/pledges/${pledgeId}/consents`, {
        to: 'transfer',
        counterparty: 'person:demo-2',
        basis: { documentType: 'consent-letter', reference: `CL-${run}` },
      }),
      201,
      'consent',
    );
    await waitFor('the land registry to record the consent', async () => {
      const answer = await call('land', 'auditor', 'GET', `/v1/parcels/${parcel}`);
      const encumbrances = answer.body.encumbrances as Array<{ consents: unknown[] }> | undefined;
      return (encumbrances?.[0]?.consents.length ?? 0) > 0;
    });
    step('bank alpha consents to the sale; the land registry records the consent from the credit entry');

    expectStatus(await call('land', 'clerk', 'POST', `/v1/parcels/${parcel}/transfers`, sale), 201, 'the sale');
    await waitFor('the pledgor to change', async () => {
      const answer = await call('credit', 'auditor', 'GET', `/v1/pledges/${pledgeId}`);
      return answer.body.pledgor === 'person:demo-2';
    });
    step('sold to person:demo-2; the credit registry records the new pledgor');

    if (url('diploma')) {
      const academic = { documentType: 'academic-decision', reference: `AD-${run}` };
      expectStatus(
        await call(
          'diploma',
          'admin',
          'POST',
          '/v1/institutions',
          {
            institutionId: 'inst:tsu',
            name: 'Tbilisi State University',
            accreditation: 'NCEQE-1',
            basis: { documentType: 'accreditation', reference: 'NCEQE-1' },
          },
          'demo-institution-tsu',
        ),
        201,
        'register the university',
      );
      const number = `TSU-${run}`;
      expectStatus(
        await call('diploma', 'clerk-tsu', 'POST', '/v1/diplomas', {
          diplomaNumber: number,
          institutionId: 'inst:tsu',
          holder: 'person:demo-3',
          holderName: 'Nino Beridze',
          programme: 'Computer Science',
          degree: 'master',
          awardedOn: new Date().toISOString().slice(0, 10),
          basis: academic,
        }),
        201,
        'issue a diploma',
      );
      const publicStatus = async () =>
        (await readJson(await fetch(`${url('diploma')}/v1/diplomas/${number}/status`))) as Record<string, unknown>;
      const valid = await publicStatus();
      step(
        `diploma registry: Tbilisi State University issues diploma ${number}; anyone checks it by number: ${String(valid.status)}, ${String(valid.degree)} in ${String(valid.programme)} (no holder in the public answer)`,
      );
      if (url('court')) {
        const caseNumber = `C-${run}`;
        const judgmentId = `J-${run}`;
        const courtBasis = { documentType: 'court-decision', reference: caseNumber };
        expectStatus(
          await call('court', 'clerk', 'POST', '/v1/cases', {
            caseNumber,
            parties: [
              { partyId: 'org:prosecutor', role: 'prosecutor' },
              { partyId: 'person:demo-2', role: 'defendant' },
            ],
            subject: 'fraud with a forged diploma and the parcel bought with its proceeds',
            basis: courtBasis,
          }),
          201,
          'open a case',
        );
        expectStatus(
          await call('court', 'clerk', 'POST', `/v1/cases/${caseNumber}/judgments`, {
            judgmentId,
            decidedOn: new Date().toISOString().slice(0, 10),
            summary: 'the defendant is guilty; the parcel is seized and the diploma annulled',
            orders: [
              { kind: 'seize-parcel', cadastralNumber: parcel },
              { kind: 'annul-diploma', diplomaNumber: number },
            ],
            basis: courtBasis,
          }),
          201,
          'register the judgment',
        );
        step(
          `court: case ${caseNumber}, judgment ${judgmentId} orders the seizure of the pledged parcel ${parcel} and annuls ${number}`,
        );
        await waitFor('the land registry to record the seizure', async () => {
          const answer = await call('land', 'auditor', 'GET', `/v1/parcels/${parcel}`);
          return ((answer.body.encumbrances ?? []) as Array<{ kind: string }>).some((e) => e.kind === 'seizure');
        });
        await waitFor(
          'the diploma registry to revoke the diploma',
          async () => (await publicStatus()).status === 'revoked',
        );
        const revoked = (await publicStatus()).revoked as { since: string; reason: string };
        step(
          `the land registry records the seizure and the diploma registry revokes ${number} (${revoked.reason}), each citing the court's order entry`,
        );
      }
      if (context.portalUrl)
        step(
          `check ${number} in a browser: ${context.portalUrl}/portal/#/diploma (status, and its receipt verified in the page)`,
        );
    }

    expectStatus(
      await call('credit', 'clerk-alpha', 'POST', `/v1/pledges/${pledgeId}/release`, {
        basis: { documentType: 'repayment-receipt', reference: `RR-${run}` },
      }),
      201,
      'release',
    );
    await waitFor('the pledge to be released', async () => {
      const answer = await call('credit', 'auditor', 'GET', `/v1/pledges/${pledgeId}`);
      return answer.body.status === 'released';
    });
    step(
      'loan repaid: bank alpha releases, the land registry lifts the pledge (the court’s seizure stays), the pledge is released',
    );

    if (url('bond')) {
      const isin = demoIsin(run);
      const issueBasis = { documentType: 'prospectus', reference: `PR-${run}` };
      const regulatorBasis = { documentType: 'administrative-act', reference: `NBG-${run}` };
      const started = Date.now();
      // Registered once per stack: a stack started before keeps its issuer (whatever request made it).
      const issuer = await call('bond', 'auditor', 'GET', '/v1/issuers/issuer:mof');
      if (issuer.status !== 200)
        expectStatus(
          await call(
            'bond',
            'admin',
            'POST',
            '/v1/issuers',
            {
              issuerId: 'issuer:mof',
              name: 'Ministry of Finance',
              basis: { documentType: 'administrative-act', reference: 'NBG-DEMO-ISSUER' },
            },
            'demo-issuer-mof-v2',
          ),
          201,
          'register the issuer',
        );
      const bondStep = async (label: string, path: string, body: unknown, what: string) =>
        expectStatus(await call('bond', label, 'POST', `/v1/issues${path}`, body), 201, what);
      await bondStep(
        'clerk',
        '',
        {
          isin,
          issuerId: 'issuer:mof',
          currency: 'GEL',
          faceValue: '1000.00',
          quantity: 1000,
          couponRate: '7.50',
          maturity: '2031-12-31',
          basis: issueBasis,
        },
        'register the issue',
      );
      await bondStep('admin', `/${isin}/approval`, { basis: regulatorBasis }, 'approve the issue');
      await bondStep('clerk', `/${isin}/book`, { basis: issueBasis }, 'open the book');
      await bondStep(
        'clerk',
        `/${isin}/allocations`,
        {
          allocations: [
            { investor: 'person:demo-1', bankId: 'bank:alpha', quantity: 600 },
            { investor: 'person:demo-2', bankId: 'bank:beta', quantity: 400 },
          ],
          basis: issueBasis,
        },
        'allocate',
      );
      await bondStep('clerk', `/${isin}/settlement`, { basis: issueBasis }, 'settle');
      step(
        `bond registry: issue ${isin} registered → approved → book opened → allocated → settled in ${Date.now() - started} ms`,
      );
      await waitFor('bank alpha to learn its investors’ holdings', async () => {
        const answer = await call('credit', 'clerk-alpha', 'GET', '/v1/banks/bank:alpha/bond-holdings');
        return ((answer.body.holdings ?? []) as Array<{ isin: string }>).some((holding) => holding.isin === isin);
      });
      step('the credit registry notes what bank alpha’s investor holds, citing the settlement entry');
    }

    if (url('notary')) {
      const seq = (registered.body.entries as Array<{ seq: number }>)[0]!.seq;
      await showReceipt(context, url('land')!, seq, waitFor, step);
    }

    for (const app of context.apps) {
      const department = departmentOf(app.name);
      const head = (await readJson(await fetch(`${app.url}/v1/ledger/head`))) as { treeSize: number; root: string };
      const verified = await call(department, 'auditor', 'GET', '/v1/ledger/verify');
      step(
        `${department.padEnd(8)} ledger head: ${head.treeSize} entries, root ${String(head.root).slice(0, 16)}…; verify: ${
          verified.body.ok === true
            ? `ok (${String(verified.body.checked)} checked${heldTo(verified.body.anchor)})`
            : JSON.stringify(verified.body)
        }`,
      );
    }
  } catch (error) {
    if (error instanceof DemoFailure) {
      print(`demo: FAILED — ${error.message}`);
      return;
    }
    throw error;
  }
}

/** A valid-looking ISIN for this run: GE, nine characters of the run id, a check digit (ISO 6166, Luhn). */
function demoIsin(run: string): string {
  const body = `GE${run.padStart(9, '0').slice(-9)}`;
  const digits = [...body].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let sum = 0;
  for (const [i, d] of [...digits].reverse().entries()) {
    let n = Number(d) * (i % 2 === 0 ? 2 : 1);
    if (n > 9) n -= 9;
    sum += n;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** `reader→owner` for every ledger topic a department may read at the broker (admin's view of the ACLs). */
async function readAcls(context: DemoContext): Promise<string[]> {
  const admin = kafkaTransport({
    client: localKafkaClient(),
    clientId: 'registry-bus-demo-acls',
    brokers: context.brokers,
    sasl: context.sasl!,
    ...(context.ssl ? { ssl: context.ssl } : {}),
  }).admin();
  await admin.connect();
  try {
    const reads: string[] = [];
    for (const department of DEPARTMENTS) {
      for (const acl of await admin.aclsOf(`User:${department}`)) {
        const owner = /^gov\.([a-z0-9-]+)\.ledger\.v2$/.exec(acl.resourceName)?.[1];
        const literalRead =
          acl.resourceType === 'TOPIC' &&
          acl.patternType === 'LITERAL' &&
          acl.operation === 'READ' &&
          acl.permission === 'ALLOW';
        if (owner && literalRead) reads.push(`${department}→${owner}`);
      }
    }
    return reads;
  } finally {
    await admin.disconnect();
  }
}

/** What verify held the ledger to, beyond itself. */
function heldTo(anchor: unknown): string {
  const held = anchor as
    { treeSize: number; witnessedBy: string[]; quorum?: { met: boolean; text: string } } | null | undefined;
  if (!held) return '';
  const witnesses = held.witnessedBy.length > 0 ? `, witnessed by ${held.witnessedBy.join(', ')}` : '';
  const quorum = held.quorum ? ` (${held.quorum.text}${held.quorum.met ? '' : ': below quorum'})` : '';
  return `; matches the notary's anchor of ${held.treeSize} entries${witnesses}${quorum}`;
}

/** Waits for the parcel's entry to be anchored and witnessed, saves its receipt and checks it with the CLI. */
async function showReceipt(
  context: DemoContext,
  landUrl: string,
  seq: number,
  waitFor: (what: string, probe: () => Promise<boolean>) => Promise<void>,
  step: (line: string) => void,
): Promise<void> {
  let receipt: { cosignatures: Array<{ envelope: { chain: string } }> } | undefined;
  // Land's own cosignature and credit's (the one register that follows land): all there is to wait for.
  await waitFor('the notary to anchor the parcel and the departments to witness it', async () => {
    const answer = await fetch(`${landUrl}/v1/ledger/entries/${seq}/receipt`);
    if (answer.status !== 200) return false;
    receipt = (await readJson(answer)) as typeof receipt;
    return receipt!.cosignatures.length >= 2;
  });
  mkdirSync(RECEIPTS_DIR, { recursive: true });
  const file = join(RECEIPTS_DIR, `land-${seq}.json`);
  writeFileSync(file, `${JSON.stringify(receipt, null, 2)}\n`);
  const shown = relative(process.cwd(), file);
  const cosigners = [...new Set(receipt!.cosignatures.map((c) => departmentOfChain(c.envelope.chain)!))];
  step(
    `the notary anchored land's ledger and ${cosigners.length} departments cosigned (${cosigners.join(', ')}); the parcel's receipt (public fields only) is ${shown}:`,
  );
  // The CLI finds the stack's bundle and root in ./.local; a stack kept elsewhere (REGISTRY_BUS_LOCAL_DIR) names them.
  const elsewhere =
    LOCAL_DIR === join(ROOT, '.local')
      ? []
      : ['--trust', join(LOCAL_DIR, 'trust-bundle.json'), '--root', join(LOCAL_DIR, 'trust-root.pub')];
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin', 'registry-bus.mjs'), 'verify', file, ...elsewhere], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  for (const line of `${cli.stdout}${cli.stderr}`.trimEnd().split('\n')) context.print(`      ${line}`);
  if (cli.status === 3)
    step(
      "every check passed, but land's anchor is below its quorum (exit code 3): land's own cosignature never counts and credit is the only register that follows land — the default quorum is 3 of credit, diploma, court and bond (docs/OPERATIONS.md, setting the quorum)",
    );
  step(`check it yourself, offline: npx registry-bus verify ${[shown, ...elsewhere].join(' ')}`);
}

async function describeKafka(context: DemoContext): Promise<void> {
  const admin = kafkaTransport({
    client: localKafkaClient(),
    clientId: 'registry-bus-demo',
    brokers: context.brokers,
    ...(context.sasl ? { sasl: context.sasl } : {}),
    ...(context.ssl ? { ssl: context.ssl } : {}),
  }).admin();
  await admin.connect();
  try {
    const cluster = await admin.cluster();
    const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort();
    context.print(
      `\ndemo: kafka cluster ${cluster.clusterId}, ${cluster.brokerIds.length} broker(s), topics: ${topics.join(', ') || 'none yet'}`,
    );
  } finally {
    await admin.disconnect();
  }
}
