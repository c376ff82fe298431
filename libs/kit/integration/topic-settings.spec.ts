import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createKafka, ledgerTopic, quarantineTopic, readTopicSettings, transportAdminOf } from '@registry-bus/bus';
import { DepartmentRuntime } from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import { ensureDevTrust } from '@registry-bus/protocol';
import { integrationEnvironment } from '@registry-bus/testing';
import kafkajs, { type Admin } from 'kafkajs';

import { departmentTestConfig } from './department-fixture.js';

const env = integrationEnvironment();

/**
 * Topic settings checked at start-up, not hoped for (issue 22), on the
 * shared single-broker test Kafka: a ledger topic made by hand with settings
 * that could lose an acknowledged record keeps the app from starting, and
 * the refusal names the setting, its value and the command that fixes it.
 */
describe('department runtime: ledger topic settings read back at start-up', () => {
  const local = mkdtempSync(join(tmpdir(), 'rb-topics-'));
  const logger = createLogger('test', { level: 'silent' });
  const bootstrap = env.kafkaBrokers.join(',');
  let admin: Admin;

  beforeAll(async () => {
    await ensureDevTrust(local, ['land']);
    admin = createKafka({ clientId: 'topic-settings', brokers: env.kafkaBrokers }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    rmSync(local, { recursive: true, force: true });
  });

  /** Starts a land runtime in `namespace`; resolves to the start-up error (or undefined), the runtime stopped. */
  async function startError(namespace: string, overrides: Record<string, string>): Promise<Error | undefined> {
    const config = await departmentTestConfig(env, local, 'land', namespace, overrides);
    const runtime = new DepartmentRuntime({ department: 'land', follows: [] }, config, logger);
    try {
      await runtime.start();
      return undefined;
    } catch (error) {
      return error as Error;
    } finally {
      await runtime.stop();
    }
  }

  async function createByHand(topic: string, configEntries: Array<{ name: string; value: string }>): Promise<void> {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries }],
    });
  }

  it('refuses a ledger topic made by hand with min.insync.replicas=1, naming the fix', async () => {
    const namespace = `${env.uniqueName('isr')}.`;
    const topic = ledgerTopic('land', namespace);
    await createByHand(topic, [{ name: 'min.insync.replicas', value: '1' }]);

    const error = await startError(namespace, { KAFKA_DEV_SINGLE_BROKER: 'false' });

    expect(error?.message).toContain(
      `- topic ${topic}: min.insync.replicas=1 could lose an acknowledged record; fix: ` +
        `kafka-configs.sh --bootstrap-server ${bootstrap} --alter --entity-type topics --entity-name ${topic} ` +
        '--add-config min.insync.replicas=2',
    );
    // One broker and one replica are named too: without KAFKA_DEV_SINGLE_BROKER this is no place for a ledger.
    expect(error?.message).toContain('- the cluster: brokers=1 could lose an acknowledged record');
    expect(error?.message).toContain(`- topic ${topic}: replication.factor=1 could lose an acknowledged record`);
    // Refused before anything was created: the other topics of the department do not exist.
    expect((await admin.listTopics()).filter((name) => name.startsWith(namespace))).toEqual([topic]);
  });

  it('refuses an unclean leader election even on a development broker', async () => {
    const namespace = `${env.uniqueName('unclean')}.`;
    const topic = ledgerTopic('land', namespace);
    await createByHand(topic, [{ name: 'unclean.leader.election.enable', value: 'true' }]);

    const error = await startError(namespace, { KAFKA_DEV_SINGLE_BROKER: 'true' });

    expect(error?.message).toBe(
      `refusing to start: the ledger topics' settings could lose an acknowledged record (docs/OPERATIONS.md, "Topic settings"):\n` +
        `- topic ${topic}: unclean.leader.election.enable=true could lose an acknowledged record; fix: ` +
        `kafka-configs.sh --bootstrap-server ${bootstrap} --alter --entity-type topics --entity-name ${topic} ` +
        '--add-config unclean.leader.election.enable=false',
    );
  });

  it('starts once the named fix is applied, and creates its own ledger topics with the settings it checks', async () => {
    const namespace = `${env.uniqueName('fixed')}.`;
    const topic = ledgerTopic('land', namespace);
    await createByHand(topic, [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    expect(await startError(namespace, { KAFKA_DEV_SINGLE_BROKER: 'true' })).toBeInstanceOf(Error);

    // What the fix command does, through the admin API.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs.ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'unclean.leader.election.enable', value: 'false' }],
        },
      ],
    });
    expect(await startError(namespace, { KAFKA_DEV_SINGLE_BROKER: 'true' })).toBeUndefined();

    const { brokerIds, topics } = await readTopicSettings(transportAdminOf(admin), [
      quarantineTopic('land', namespace),
    ]);
    // Development: as many replicas as brokers up to three, every one of them in sync below two.
    const replicas = Math.min(3, brokerIds.length);
    expect(topics).toEqual([
      {
        topic: quarantineTopic('land', namespace),
        partitionReplicas: [expect.any(Array)],
        config: { 'min.insync.replicas': String(Math.min(2, replicas)), 'unclean.leader.election.enable': 'false' },
      },
    ]);
    expect(topics[0]!.partitionReplicas[0]).toHaveLength(replicas);
  });
});
