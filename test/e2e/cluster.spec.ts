import { createKafka, ledgerTopic, readTopicSettings, transportAdminOf } from '@registry-bus/bus';
import { startTestKafkaCluster, type KafkaCluster } from '@registry-bus/testing';
import type { Admin } from 'kafkajs';

import { DepartmentStack } from './department-stack.js';

const loanAgreement = (reference: string) => ({ documentType: 'loan-agreement', reference });

/**
 * Land and credit on a three-broker cluster started from the launcher for
 * this spec alone (issue 22): their ledger topics are made with three
 * replicas and two in sync and read back so at start-up; a pledge made
 * active crosses the cluster both ways; then the broker leading the land
 * ledger is killed right after land's broker acknowledged a command
 * (LEDGER_ACK=published: acks=all), and that entry is still delivered to
 * credit, and a second pledge still becomes active, with one broker down.
 */
describe('land + credit on a three-broker cluster', () => {
  const stack = new DepartmentStack();
  let cluster: KafkaCluster;
  let admin: Admin;
  let landClerk: string;
  let alpha: string;
  let creditAdmin: string;

  const registerParcel = (cadastralNumber: string) =>
    stack.call('land', 'POST', '/v1/parcels', {
      token: landClerk,
      body: {
        cadastralNumber,
        areaSquareMetres: '800.00',
        location: 'Kutaisi',
        landUse: 'agricultural',
        owners: [{ ownerId: 'person:1', share: '1' }],
        basis: { documentType: 'survey', reference: 'S-1' },
      },
    });

  const requestPledge = (pledgeId: string, cadastralNumber: string) =>
    stack.call('credit', 'POST', '/v1/pledges', {
      token: alpha,
      body: {
        pledgeId,
        cadastralNumber,
        bankId: 'bank:alpha',
        loanId: 'L-A1',
        pledgor: 'person:1',
        basis: loanAgreement('L-A1'),
      },
    });

  const settled = (pledgeId: string, timeoutMs?: number) =>
    stack.eventually(
      `pledge ${pledgeId} to settle`,
      async () => {
        const pledge = (await stack.call('credit', 'GET', `/v1/pledges/${pledgeId}`, { token: creditAdmin })).body as {
          status?: string;
        };
        return pledge.status === 'active' || pledge.status === 'refused' ? pledge.status : undefined;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    // A killed broker is fenced after its session times out: 6 s rather than 9 keeps the spec short.
    cluster = await startTestKafkaCluster({
      brokers: 3,
      extraProperties: { 'broker.session.timeout.ms': '6000', 'broker.heartbeat.interval.ms': '1000' },
    });
    admin = createKafka({ clientId: 'cluster-e2e', brokers: cluster.brokers.split(',') }).admin();
    await admin.connect();
    await stack.start(['land', 'credit'], {
      KAFKA_BROKERS: cluster.brokers,
      KAFKA_DEV_SINGLE_BROKER: 'false',
      // A command is answered once the brokers acknowledged its entry (acks=all, two in sync).
      LEDGER_ACK: 'published',
    });
    await stack.pledgeSagaGrants();
    landClerk = await stack.token('land', 'clerk', 'clerk:lia');
    creditAdmin = await stack.token('credit', 'admin', 'admin:credit');
    alpha = await stack.token('credit', 'clerk', 'clerk:alpha-1', 'bank:alpha');
    await stack.bankWithLoan('bank:alpha', 'L-A1', 'person:1', alpha);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await admin?.disconnect();
    await cluster?.stop({ removeData: true, graceMs: 5000 });
  });

  it('creates the ledger topics with three replicas and two in sync, and reads them back so', async () => {
    const topics = [ledgerTopic('land', stack.namespace), ledgerTopic('credit', stack.namespace)];
    const settings = await readTopicSettings(transportAdminOf(admin), topics);
    expect(settings.brokerIds.sort()).toEqual([1, 2, 3]);
    for (const topic of settings.topics) {
      expect(topic.partitionReplicas.map((replicas) => [...replicas].sort())).toEqual([[1, 2, 3]]);
      expect(topic.config).toEqual({ 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' });
    }
  });

  it('makes a pledge active, then delivers what was acknowledged with the leading broker killed', async () => {
    expect((await registerParcel('CLUSTER-1')).status).toBe(201);
    expect((await requestPledge('P-1', 'CLUSTER-1')).status).toBe(201);
    expect(await settled('P-1')).toBe('active');

    // Acknowledged by the brokers (LEDGER_ACK=published), then the leader of land's ledger dies at once.
    const registered = await registerParcel('CLUSTER-2');
    expect(registered.status).toBe(201);
    const seq = (await stack.get('land').runtime.ledger.reader.head('land'))!.seq;
    const [partition] = (await admin.fetchTopicMetadata({ topics: [ledgerTopic('land', stack.namespace)] })).topics[0]!
      .partitions;
    const leader = partition!.leader;
    await cluster.killNode(leader);
    expect(cluster.isNodeRunning(leader)).toBe(false);

    await stack.eventually(
      `credit to receive land's entry ${seq} with broker ${leader} down`,
      async () => {
        const [row] = await stack
          .get('credit')
          .runtime.dataSource.query(`SELECT 1 AS found FROM received_entry WHERE source_chain = 'land' AND seq = $1`, [
            seq,
          ]);
        return row ? true : undefined;
      },
      60_000,
    );
    // Both ways across the cluster still, with one broker of three down.
    expect((await requestPledge('P-2', 'CLUSTER-2')).status).toBe(201);
    expect(await settled('P-2', 60_000)).toBe('active');
  });
});
