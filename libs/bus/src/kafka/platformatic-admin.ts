import {
  AclOperations,
  AclPermissionTypes,
  type Admin,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  ListOffsetTimestamps,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
  type AclFilter,
} from '@platformatic/kafka';

import type { AclBinding, TransportAdmin } from '../transport/kafka-transport.js';
import { aclCodes } from './acl-codes.js';

const LEADER_WAIT_MS = 30_000;

const codes = aclCodes(
  {
    operation: AclOperations,
    permission: AclPermissionTypes,
    resourceType: ResourceTypes,
    patternType: ResourcePatternTypes,
  },
  '@platformatic/kafka',
);
/** The port's ACL in the client's types (the codes are its enums' values). */
const aclOf = (binding: AclBinding): Acl => codes.toClient(binding) as Acl;

export function adminOf(admin: Admin): TransportAdmin {
  return withRetriableMarks(rawAdminOf(admin));
}

/**
 * The port's errors say `retriable: true` when the client would retry them
 * (its own mark is `canRetry`, on the error or on one inside a MultipleErrors):
 * start-up retries those (ensureTopics, checkLedgerTopics).
 */
export function markRetriable(error: unknown): unknown {
  const retriable = (candidate: unknown): boolean => {
    if (!candidate || typeof candidate !== 'object') return false;
    const { canRetry, errors } = candidate as { canRetry?: unknown; errors?: unknown };
    return canRetry === true || (Array.isArray(errors) && errors.some(retriable));
  };
  if (error && typeof error === 'object' && retriable(error)) (error as { retriable?: boolean }).retriable = true;
  return error;
}

function withRetriableMarks<T extends object>(target: T): T {
  return Object.fromEntries(
    Object.entries(target).map(([name, method]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw markRetriable(error);
        }
      },
    ]),
  ) as T;
}

function rawAdminOf(admin: Admin): TransportAdmin {
  const partitionsOf = async (topics: readonly string[]) => {
    const metadata = await admin.metadata({ topics: [...topics], forceUpdate: true });
    return metadata;
  };
  return {
    connect: async () => {
      await admin.metadata({ topics: [] });
    },
    disconnect: () => admin.close(),
    listTopics: () => admin.listTopics(),
    createTopics: async (topics) => {
      for (const topic of topics) {
        await admin.createTopics({
          topics: [topic.topic],
          partitions: topic.numPartitions,
          replicas: topic.replicationFactor,
          configs: topic.configEntries.map(({ name, value }) => ({ name, value })),
        });
      }
      // The broker answers before every partition has a leader; the port promises leaders.
      const until = Date.now() + LEADER_WAIT_MS;
      for (;;) {
        const metadata = await partitionsOf(topics.map((topic) => topic.topic)).catch(() => undefined);
        const led = topics.every((topic) => {
          const partitions = metadata?.topics.get(topic.topic)?.partitions ?? [];
          return partitions.length === topic.numPartitions && partitions.every((p) => p.leader >= 0);
        });
        if (led) return;
        if (Date.now() > until) throw new Error(`the new topics have no leader after ${LEADER_WAIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    createPartitions: async (grow) => {
      await admin.createPartitions({ topics: grow.map(({ topic, count }) => ({ name: topic, count })) });
    },
    topicMetadata: async (topics) => {
      const metadata = await partitionsOf(topics);
      return topics.map((name) => ({
        name,
        partitions: (metadata.topics.get(name)?.partitions ?? []).map((partition, partitionId) => ({
          partitionId,
          leader: partition.leader,
          replicas: [...partition.replicas],
          isr: [...partition.isr],
        })),
      }));
    },
    topicOffsets: async (topic) => {
      const metadata = await partitionsOf([topic]);
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const at = async (timestamp: bigint) => {
        const [listed] = await admin.listOffsets({
          topics: [
            {
              name: topic,
              partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp })),
            },
          ],
        });
        return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset.toString()]));
      };
      const [low, high] = [await at(ListOffsetTimestamps.EARLIEST), await at(ListOffsetTimestamps.LATEST)];
      return Array.from({ length: count }, (_, partition) => ({
        partition,
        low: low.get(partition) ?? '0',
        high: high.get(partition) ?? '0',
      }));
    },
    cluster: async () => {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      return { clusterId: metadata.id, brokerIds: [...metadata.brokers.keys()].sort((a, b) => a - b) };
    },
    topicConfigs: async (topics, names) => {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((resourceName) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName,
          configurationKeys: [...names],
        })),
      });
      return new Map(
        described.map((resource) => [
          resource.resourceName,
          Object.fromEntries(resource.configs.map((entry) => [entry.name, entry.value ?? ''])),
        ]),
      );
    },
    deleteTopics: async (topics) => {
      await admin.deleteTopics({ topics: [...topics] });
    },
    setTopicConfig: async (topic, name, value) => {
      await admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: [{ name, configOperation: IncrementalAlterConfigOperationTypes.SET, value }],
          },
        ],
      });
    },
    describeGroup: async (groupId) => {
      await admin.describeGroups({ groups: [groupId] });
    },
    aclsOf: async (principal) => {
      const described = await admin.describeAcls({
        filter: {
          resourceType: ResourceTypes.ANY,
          resourceName: null,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal,
          host: null,
          operation: AclOperations.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      });
      return described.flatMap((resource) =>
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
      if (acls.length > 0) await admin.createAcls({ creations: acls.map(aclOf) });
    },
    deleteAcls: async (acls) => {
      if (acls.length > 0) await admin.deleteAcls({ filters: acls.map((acl): AclFilter => aclOf(acl)) });
    },
  };
}
