import kafkajs, { type Admin, type AclEntry, type Consumer, type Kafka, type Producer } from 'kafkajs';

import type {
  AclBinding,
  ConsumerOptions,
  KafkaClientOptions,
  KafkaTransport,
  ProducerOptions,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
} from '../transport/kafka-transport.js';
import { aclCodes } from './acl-codes.js';
import { createKafka } from './kafka-client.js';

/** kafkajs's ConfigSource.TOPIC_CONFIG: a setting the topic itself carries. */
const TOPIC_CONFIG_SOURCE = 1;

// kafkajs is CommonJS: its enums are not visible to ESM named imports under Node.
const {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  Partitioners,
  ResourcePatternTypes,
} = kafkajs;

const codes = aclCodes(
  {
    operation: AclOperationTypes as unknown as Record<string, number>,
    permission: AclPermissionTypes as unknown as Record<string, number>,
    resourceType: AclResourceTypes as unknown as Record<string, number>,
    patternType: ResourcePatternTypes as unknown as Record<string, number>,
  },
  'kafkajs',
);
/** The port's ACL in kafkajs's types (the codes are its enums' values). */
const entryOf = (binding: AclBinding): AclEntry => codes.toClient(binding) as unknown as AclEntry;

/** The kafkajs adapter of the Kafka port: the only module of production code that names a kafkajs type. */
export function kafkajsTransport(options: KafkaClientOptions): KafkaTransport {
  return transportOf(createKafka(options));
}

/** The port over a kafkajs client made elsewhere (a test's, a tool's). */
export function transportOf(kafka: Kafka): KafkaTransport {
  return {
    producer: (options) => producerOf(kafka, options),
    consumer: (options) => consumerOf(kafka, options),
    admin: () => transportAdminOf(kafka.admin()),
  };
}

function producerOf(kafka: Kafka, options: ProducerOptions = {}): TransportProducer {
  const idempotent = options.idempotent ?? true;
  // Every record of the bus names its partition, or goes by key: the partitioner kafkajs 2 uses anyway,
  // named, so it does not warn at every start.
  const producer: Producer = kafka.producer({
    idempotent,
    ...(idempotent ? { maxInFlightRequests: 1 } : {}),
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    send: async (topic, records) => {
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((record) => ({
          key: record.key,
          value: record.value,
          ...(record.headers ? { headers: record.headers } : {}),
          ...(record.partition !== undefined ? { partition: record.partition } : {}),
        })),
      });
    },
  };
}

function consumerOf(kafka: Kafka, options: ConsumerOptions): TransportConsumer {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
    ...(options.maxWaitTimeMs !== undefined ? { maxWaitTimeInMs: options.maxWaitTimeMs } : {}),
  });
  return {
    connect: () => consumer.connect(),
    disconnect: () => consumer.disconnect(),
    subscribe: (topics, { fromBeginning }) => consumer.subscribe({ topics: [...topics], fromBeginning }),
    runBatches: ({ partitionsConcurrently, eachBatch }) =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        ...(partitionsConcurrently !== undefined ? { partitionsConsumedConcurrently: partitionsConcurrently } : {}),
        eachBatch: (payload) =>
          eachBatch({
            batch: { topic: payload.batch.topic, partition: payload.batch.partition, messages: payload.batch.messages },
            resolveOffset: payload.resolveOffset,
            heartbeat: payload.heartbeat,
            commitOffsetsIfNecessary: () => payload.commitOffsetsIfNecessary(),
            isRunning: payload.isRunning,
            isStale: payload.isStale,
            pause: payload.pause,
          }),
      }),
    runMessages: (eachMessage) =>
      consumer.run({
        eachMessage: ({ topic, partition, message }) => eachMessage({ topic, partition, ...message }),
      }),
    seek: (position) => consumer.seek(position),
    pause: (partitions) => consumer.pause(partitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] }))),
    onGroupJoin: (listener) => consumer.on(consumer.events.GROUP_JOIN, listener),
  };
}

/** The port over a kafkajs admin client made (and connected) elsewhere: a test's, a tool's. */
export function transportAdminOf(admin: Admin): TransportAdmin {
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    listTopics: () => admin.listTopics(),
    createTopics: async (topics) => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({ ...topic, configEntries: [...topic.configEntries] })),
      });
    },
    createPartitions: async (grow) => {
      await admin.createPartitions({ topicPartitions: [...grow], validateOnly: false });
    },
    topicMetadata: async (topics) => (await admin.fetchTopicMetadata({ topics: [...topics] })).topics,
    topicOffsets: async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    cluster: async () => {
      const { clusterId, brokers } = await admin.describeCluster();
      return { clusterId, brokerIds: brokers.map((broker) => broker.nodeId) };
    },
    topicConfigs: async (topics, names) => {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: [...names] })),
      });
      return new Map(
        described.resources.map((resource) => [
          resource.resourceName,
          Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
        ]),
      );
    },
    deleteTopics: async (topics) => {
      await admin.deleteTopics({ topics: [...topics], timeout: 30_000 });
    },
    setTopicConfig: async (topic, name, value) => {
      // kafkajs has only the whole-set AlterConfigs: the topic's own settings are read and sent back with this one.
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const own = (described.resources[0]?.configEntries ?? []).filter(
        (entry) => entry.configSource === TOPIC_CONFIG_SOURCE && entry.configName !== name && !entry.isSensitive,
      );
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [
              ...own.map((entry) => ({ name: entry.configName, value: entry.configValue })),
              { name, value },
            ],
          },
        ],
      });
    },
    describeGroup: async (groupId) => {
      await admin.describeGroups([groupId]);
    },
    aclsOf: async (principal) => {
      const described = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      return described.resources.flatMap((resource) =>
        resource.acls.map((acl) =>
          codes.fromClient({
            ...acl,
            resourceType: resource.resourceType,
            resourceName: resource.resourceName,
            resourcePatternType: resource.resourcePatternType,
          }),
        ),
      );
    },
    createAcls: async (acls) => {
      if (acls.length > 0) await admin.createAcls({ acl: acls.map(entryOf) });
    },
    deleteAcls: async (acls) => {
      if (acls.length > 0) await admin.deleteAcls({ filters: acls.map(entryOf) });
    },
  };
}
