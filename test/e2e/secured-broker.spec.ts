import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { brokerAcls, createKafka, ledgerTopic, syncBrokerAcls, transportAdminOf } from '@registry-bus/bus';
import { KafkaLauncher } from '@registry-bus/testing';

import { DepartmentStack } from './department-stack.js';

const USERS = ['land', 'credit', 'notary'];
const secret = (user: string) => `${user}-${process.pid}-secret`;

/**
 * The apps on a broker with a user per department and ACLs: nothing of
 * another ledger reaches a department before the owner grants it; the
 * notary turns the grant into ACLs, the grantee starts reading by itself,
 * and the pledge saga runs as on an open broker.
 */
describe('departments on a broker with SASL/SCRAM users and ACLs from grants', () => {
  const launcher = new KafkaLauncher({
    dir: mkdtempSync(join(tmpdir(), 'rb-secured-stack-')),
    security: {
      admin: { username: 'admin', password: secret('admin') },
      users: USERS.map((username) => ({ username, password: secret(username) })),
    },
  });
  const stack = new DepartmentStack();
  const received = async (department: string, chain: string) =>
    Number(
      (
        (await stack
          .get(department)
          .runtime.dataSource.query('SELECT count(*) AS n FROM received_entry WHERE source_chain = $1', [
            chain,
          ])) as Array<{
          n: string;
        }>
      )[0]!.n,
    );

  beforeAll(async () => {
    const brokers = await launcher.start();
    // The base ACLs (own topics only, the notary's ledger public) before any app starts: what npm start does.
    const admin = createKafka({
      clientId: 'secured-e2e',
      brokers: [brokers],
      sasl: launcher.saslOf('admin'),
      ssl: launcher.clientSsl()!,
    }).admin();
    await admin.connect();
    await syncBrokerAcls(
      transportAdminOf(admin),
      USERS,
      brokerAcls({ departments: USERS, grants: [], notary: 'notary', namespace: stack.namespace }),
    );
    await admin.disconnect();
    stack.notary = { ...stack.notary, brokerAdmin: { username: 'admin', password: secret('admin') } };
    for (const department of ['land', 'credit', 'notary']) {
      await stack.start([department], {
        KAFKA_BROKERS: brokers,
        KAFKA_SASL_USERNAME: department,
        KAFKA_SASL_PASSWORD: secret(department),
        KAFKA_SSL_CA_FILE: launcher.caFile!,
      });
    }
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await launcher.stop({ removeData: true });
  });

  it('reads nothing of another ledger without a grant, and everything once granted', async () => {
    const clerk = await stack.token('land', 'clerk', 'clerk:secured');
    const parcel = {
      cadastralNumber: 'SEC-1',
      areaSquareMetres: '800.00',
      location: 'Kutaisi',
      landUse: 'agricultural',
      owners: [{ ownerId: 'person:1', share: '1' }],
      basis: { documentType: 'survey', reference: 'S-1' },
    };
    expect((await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel })).status).toBe(201);
    // The notary reads every ledger, so it anchors land; credit, without a grant, gets nothing of land's topic.
    await stack.eventually('the notary to read land', async () =>
      (await received('notary', 'land')) > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 6000)); // more than one grant-watch round of credit
    expect(await received('credit', 'land')).toBe(0);

    // A department writing another's topic is refused by the broker itself.
    const credit = createKafka({
      clientId: 'forger',
      brokers: [launcher.brokers],
      sasl: launcher.saslOf('credit'),
      ssl: launcher.clientSsl()!,
    });
    const producer = credit.producer();
    await producer.connect();
    await expect(
      producer.send({ topic: ledgerTopic('land', stack.namespace), messages: [{ value: 'forged' }] }),
    ).rejects.toThrow(/not authorized/i);
    await producer.disconnect();

    // The grants of the pledge saga: the notary makes them ACLs; each grantee starts reading on its own.
    await stack.pledgeSagaGrants();
    await stack.eventually(
      'credit to read land after the grant',
      async () => ((await received('credit', 'land')) >= 2 ? true : undefined),
      40_000,
    );
    await stack.eventually(
      'land to read credit after the grant',
      async () => ((await received('land', 'credit')) >= 1 ? true : undefined),
      40_000,
    );

    // And the saga runs: a pledge request becomes active on land's encumbrance entry.
    const admin = await stack.token('credit', 'admin', 'admin:secured');
    const alpha = await stack.token('credit', 'clerk', 'clerk:alpha-secured', 'bank:alpha');
    const basis = { documentType: 'loan-agreement', reference: 'L-S1' };
    const bank = await stack.call('credit', 'POST', '/v1/banks', {
      token: admin,
      body: {
        bankId: 'bank:alpha',
        name: 'Alpha',
        licence: 'NBG-1',
        basis: { documentType: 'administrative-act', reference: 'NBG-1' },
      },
    });
    expect(bank.status).toBe(201);
    const loan = await stack.call('credit', 'POST', '/v1/banks/bank:alpha/loans', {
      token: alpha,
      body: { loanId: 'L-S1', kind: 'loan', borrower: 'person:1', amount: '1000.00', currency: 'GEL', basis },
    });
    expect(loan.status).toBe(201);
    const pledge = await stack.call('credit', 'POST', '/v1/pledges', {
      token: alpha,
      body: {
        pledgeId: 'P-S1',
        cadastralNumber: 'SEC-1',
        bankId: 'bank:alpha',
        loanId: 'L-S1',
        pledgor: 'person:1',
        basis,
      },
    });
    expect(pledge.status).toBe(201);
    const active = await stack.eventually(
      'the pledge to become active',
      async () => {
        const answer = await stack.call('credit', 'GET', '/v1/pledges/P-S1', { token: admin });
        return answer.body.status === 'active' ? answer.body : undefined;
      },
      40_000,
    );
    expect(active).toMatchObject({ pledgeId: 'P-S1', status: 'active' });
  });
});
