import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  KAFKA_CLIENTS,
  headerText,
  kafkaTransport,
  type AclBinding,
  type BatchContext,
  type KafkaClientName,
  type KafkaTransport,
  type TransportConsumer,
} from '@registry-bus/bus';
import { KafkaLauncher, integrationEnvironment } from '@registry-bus/testing';

const env = integrationEnvironment();

interface Seen {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | undefined>;
}

/** Resolves once `done(seen)` holds (bounded: 30 s), with every record the batches handed over, resolved as they come. */
function readUntil(
  consumer: TransportConsumer,
  done: (seen: Seen[]) => boolean,
  onBatch?: (context: BatchContext, seen: Seen[]) => boolean,
): { finished: Promise<Seen[]>; started: Promise<void> } {
  const seen: Seen[] = [];
  let settle!: (value: Seen[]) => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<Seen[]>((resolve, reject) => ((settle = resolve), (fail = reject)));
  const timer = setTimeout(
    () => fail(new Error(`read ${seen.length} records, not the expected ones, in 30 s`)),
    30_000,
  );
  const started = consumer.runBatches({
    eachBatch: async (context) => {
      // A test's hook may take the batch over (pause it, leave it unresolved).
      if (onBatch?.(context, seen)) return;
      for (const message of context.batch.messages) {
        seen.push({
          partition: context.batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, headerText(value)]),
          ),
        });
        context.resolveOffset(message.offset);
      }
      if (done(seen)) {
        clearTimeout(timer);
        settle(seen);
      }
    },
  });
  return { finished, started };
}

const offsetsOf = (seen: Seen[], partition: number) =>
  seen.filter((record) => record.partition === partition).map((record) => record.offset);

/**
 * The Kafka port's contract, the same spec against every adapter on the
 * run's real broker (and a SCRAM-secured broker of its own for ACLs): what
 * the bus relies on — explicit partitions in order with keys and headers,
 * offsets the caller keeps (nothing committed), seek, pause, the group-join
 * signal, and the admin calls start-up and the broker steward make.
 */
describe.each(KAFKA_CLIENTS.map((client) => [client]))('the Kafka port on %s', (client: KafkaClientName) => {
  const transport: KafkaTransport = kafkaTransport({
    client,
    clientId: env.uniqueName(`contract-${client}`),
    brokers: env.kafkaBrokers,
  });
  const topic = env.uniqueName(`contract-${client}`);
  const admin = transport.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics([
      {
        topic,
        numPartitions: 3,
        replicationFactor: 1,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'min.insync.replicas', value: '1' },
        ],
      },
    ]);
    const producer = transport.producer();
    await producer.connect();
    try {
      await producer.send(
        topic,
        [0, 1, 2, 3, 4].map((n) => ({ key: `k1-${n}`, value: `v1-${n}`, headers: { seq: String(n) }, partition: 1 })),
      );
      await producer.send(
        topic,
        [0, 1, 2].map((n) => ({
          key: `k2-${n}`,
          value: Buffer.from(`v2-${n}`),
          headers: { seq: `${n}` },
          partition: 2,
        })),
      );
    } finally {
      await producer.disconnect();
    }
  });
  afterAll(() => admin.disconnect());

  it('reads back what was produced to explicit partitions, in order, with keys and headers', async () => {
    const sut = transport.consumer({ groupId: env.uniqueName('read'), maxWaitTimeMs: 100 });
    await sut.connect();
    try {
      await sut.subscribe([topic], { fromBeginning: true });
      const { finished, started } = readUntil(sut, (seen) => seen.length >= 8);
      await started;
      const seen = await finished;
      expect(seen.filter((record) => record.partition === 1)).toEqual(
        [0, 1, 2, 3, 4].map((n) => ({
          partition: 1,
          offset: String(n),
          key: `k1-${n}`,
          value: `v1-${n}`,
          headers: { seq: String(n) },
        })),
      );
      expect(seen.filter((record) => record.partition === 2).map((r) => [r.offset, r.key, r.value])).toEqual([
        ['0', 'k2-0', 'v2-0'],
        ['1', 'k2-1', 'v2-1'],
        ['2', 'k2-2', 'v2-2'],
      ]);
      expect(offsetsOf(seen, 0)).toEqual([]);
    } finally {
      await sut.disconnect();
    }
  });

  it('commits nothing: a new consumer of the same group reads from the beginning again, or from where it seeks', async () => {
    const groupId = env.uniqueName('manual');
    const readAll = async (seekTo?: string) => {
      const sut = transport.consumer({ groupId, maxWaitTimeMs: 100 });
      await sut.connect();
      try {
        await sut.subscribe([topic], { fromBeginning: true });
        const { finished, started } = readUntil(
          sut,
          (seen) => offsetsOf(seen, 1).at(-1) === '4' && offsetsOf(seen, 2).at(-1) === '2',
        );
        await started;
        if (seekTo !== undefined) sut.seek({ topic, partition: 1, offset: seekTo });
        return await finished;
      } finally {
        await sut.disconnect();
      }
    };
    const first = await readAll();
    expect(offsetsOf(first, 1)).toEqual(['0', '1', '2', '3', '4']);
    const again = await readAll();
    expect(offsetsOf(again, 1)).toEqual(['0', '1', '2', '3', '4']);
    const sought = await readAll('3');
    expect(offsetsOf(sought, 1)).toEqual(['3', '4']);
    expect(offsetsOf(sought, 2)).toEqual(['0', '1', '2']);
  });

  it('tells every group join, and reads a paused partition not at all', async () => {
    const sut = transport.consumer({ groupId: env.uniqueName('pause'), maxWaitTimeMs: 100 });
    await sut.connect();
    try {
      let joins = 0;
      const joined = new Promise<void>((resolve) =>
        sut.onGroupJoin(() => {
          joins++;
          resolve();
        }),
      );
      await sut.subscribe([topic], { fromBeginning: true });
      const { finished, started } = readUntil(sut, (seen) => offsetsOf(seen, 1).length === 5);
      await started;
      sut.pause([{ topic, partitions: [2] }]);
      await joined;
      const seen = await finished;
      expect(joins).toBeGreaterThanOrEqual(1);
      expect(offsetsOf(seen, 1)).toEqual(['0', '1', '2', '3', '4']);
      expect(offsetsOf(seen, 2)).toEqual([]);
    } finally {
      await sut.disconnect();
    }
  });

  it('hands a batch left unresolved while paused back from its first unresolved record after resume and seek', async () => {
    const sut = transport.consumer({ groupId: env.uniqueName('held'), maxWaitTimeMs: 100 });
    await sut.connect();
    try {
      await sut.subscribe([topic], { fromBeginning: true });
      let held = false;
      const { finished, started } = readUntil(
        sut,
        (seen) => offsetsOf(seen, 1).at(-1) === '4',
        (context) => {
          if (context.batch.partition !== 1 || held) return false;
          // As the ledger consumer holds a record: leave it unresolved, pause, and come back to it later.
          held = true;
          const [first] = context.batch.messages;
          const resume = context.pause();
          setTimeout(() => {
            sut.seek({ topic, partition: 1, offset: first!.offset });
            resume();
          }, 500);
          return true;
        },
      );
      await started;
      const seen = await finished;
      expect(offsetsOf(seen, 1)).toEqual(['0', '1', '2', '3', '4']);
    } finally {
      await sut.disconnect();
    }
  });

  it('creates, lists and describes topics: partitions with leaders, low and high offsets, effective settings', async () => {
    expect(await admin.listTopics()).toContain(topic);
    const { clusterId, brokerIds } = await admin.cluster();
    expect(clusterId).toMatch(/^\S{10,}$/);
    expect(brokerIds).toHaveLength(env.kafkaBrokers.length);
    const [metadata] = await admin.topicMetadata([topic]);
    expect(metadata!.name).toBe(topic);
    expect(metadata!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    for (const partition of metadata!.partitions) {
      expect(brokerIds).toContain(partition.leader);
      expect(partition.replicas).toEqual([partition.leader]);
      expect(partition.isr).toEqual([partition.leader]);
    }
    const offsets = (await admin.topicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    expect(offsets).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '5' },
      { partition: 2, low: '0', high: '3' },
    ]);
    const configs = await admin.topicConfigs([topic], ['retention.ms', 'min.insync.replicas', 'cleanup.policy']);
    expect(configs.get(topic)).toEqual({
      'retention.ms': '-1',
      'min.insync.replicas': '1',
      'cleanup.policy': 'delete',
    });
    await admin.createPartitions([{ topic, count: 4 }]);
    const [grown] = await admin.topicMetadata([topic]);
    expect(grown!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    await expect(admin.describeGroup(env.uniqueName('no-such-group'))).resolves.toBeUndefined();
  });

  it("sets one setting of a topic and leaves its other own settings as they were (a reply topic's retention, #28)", async () => {
    const replies = env.uniqueName(`contract-${client}-replies`);
    await admin.createTopics([
      {
        topic: replies,
        numPartitions: 1,
        replicationFactor: 1,
        // As an older version made it: a week, the broker's usual default.
        configEntries: [
          { name: 'min.insync.replicas', value: '1' },
          { name: 'retention.ms', value: '604800000' },
        ],
      },
    ]);
    const names = ['retention.ms', 'min.insync.replicas'];
    expect((await admin.topicConfigs([replies], names)).get(replies)).toEqual({
      'retention.ms': '604800000',
      'min.insync.replicas': '1',
    });
    await admin.setTopicConfig(replies, 'retention.ms', '3600000');
    expect((await admin.topicConfigs([replies], names)).get(replies)).toEqual({
      'retention.ms': '3600000',
      'min.insync.replicas': '1',
    });
  });
});

const secret = (user: string) => `${user}-contract-${process.pid}`;

describe('ACLs through the Kafka port, on a broker with SASL/SCRAM-SHA-512 users', () => {
  const launcher = new KafkaLauncher({
    dir: mkdtempSync(join(tmpdir(), 'rb-contract-kafka-')),
    security: {
      admin: { username: 'admin', password: secret('admin') },
      users: [{ username: 'land', password: secret('land') }],
    },
  });
  let brokers: string[];
  beforeAll(async () => {
    brokers = [await launcher.start()];
  });
  afterAll(() => launcher.stop({ removeData: true }));

  const binding = (operation: AclBinding['operation'], resourceName: string): AclBinding => ({
    principal: 'User:land',
    host: '*',
    operation,
    permission: 'ALLOW',
    resourceType: 'TOPIC',
    resourceName,
    patternType: 'PREFIXED',
  });
  const transportOf = (client: KafkaClientName, user: string) =>
    kafkaTransport({
      client,
      clientId: `contract-acl-${client}-${user}`,
      brokers,
      sasl: launcher.saslOf(user)!,
      ssl: launcher.clientSsl()!,
    });

  it.each(KAFKA_CLIENTS.map((client) => [client]))(
    "on %s: the admin creates, reads back and deletes a user's ACLs, and the broker enforces them",
    async (client: KafkaClientName) => {
      const prefix = `gov.land.${client}.`;
      const topic = `${prefix}ledger`;
      const admin = transportOf(client, 'admin').admin();
      await admin.connect();
      try {
        await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [] }]);
        // An idempotent producer needs IDEMPOTENT_WRITE on the cluster before it can connect at all.
        await admin.createAcls([
          { ...binding('IDEMPOTENT_WRITE', 'kafka-cluster'), resourceType: 'CLUSTER', patternType: 'LITERAL' },
        ]);
        const land = transportOf(client, 'land').producer();
        await land.connect();
        try {
          // Without a WRITE on its topics the department's own user may not write.
          await expect(land.send(topic, [{ key: 'k', value: 'refused', partition: 0 }])).rejects.toThrow();
          await admin.createAcls([binding('WRITE', prefix), binding('DESCRIBE', prefix)]);
          const read = await admin.aclsOf('User:land');
          expect(
            read.filter((acl) => acl.resourceType === 'TOPIC').sort((a, b) => a.operation.localeCompare(b.operation)),
          ).toEqual([binding('DESCRIBE', prefix), binding('WRITE', prefix)]);
          await land.send(topic, [{ key: 'k', value: 'allowed', partition: 0 }]);
          const offsets = await admin.topicOffsets(topic);
          expect(offsets).toEqual([{ partition: 0, low: '0', high: '1' }]);
          // Another department's topics stay closed to it.
          await expect(
            land.send(`gov.credit.${client}.ledger.v2`, [{ key: 'k', value: 'x', partition: 0 }]),
          ).rejects.toThrow();
          await admin.deleteAcls(await admin.aclsOf('User:land'));
          expect(await admin.aclsOf('User:land')).toEqual([]);
        } finally {
          await land.disconnect();
        }
      } finally {
        await admin.disconnect();
      }
    },
  );
});
