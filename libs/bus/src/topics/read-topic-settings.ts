import type { TransportAdmin } from '../transport/kafka-transport.js';
import {
  ledgerTopicsVerdict,
  type DurabilityContext,
  type DurabilityVerdict,
  type TopicSettings,
} from './topic-durability.js';

const DURABILITY_SETTINGS = ['min.insync.replicas', 'unclean.leader.election.enable'];

/**
 * Reads back what the broker holds for `topics`: the replicas of each
 * partition (topic metadata) and the effective durability settings
 * (DescribeConfigs: the topic's own value, else the broker default), with the
 * cluster's broker ids. What was asked at creation is not trusted: a topic
 * may have been made by hand, or by another app first.
 */
export async function readTopicSettings(
  admin: TransportAdmin,
  topics: readonly string[],
): Promise<{ brokerIds: number[]; topics: TopicSettings[] }> {
  const { brokerIds } = await admin.cluster();
  // An empty list would ask about every topic of the cluster.
  if (topics.length === 0) return { brokerIds, topics: [] };
  const metadata = await admin.topicMetadata(topics);
  const configs = await admin.topicConfigs(topics, DURABILITY_SETTINGS);
  return {
    brokerIds,
    topics: topics.map((topic) => {
      const partitions = metadata.find((candidate) => candidate.name === topic)?.partitions ?? [];
      return {
        topic,
        partitionReplicas: [...partitions]
          .sort((a, b) => a.partitionId - b.partitionId)
          .map((partition) => partition.replicas),
        config: configs.get(topic) ?? {},
      };
    }),
  };
}

/**
 * Reads the settings of `topics` and judges them (ledgerTopicsVerdict). On
 * a cluster a topic just created is briefly unknown to the broker that
 * answers (its metadata has not reached it yet): that retriable error is
 * retried a bounded number of times, as ensureTopics does.
 */
export async function checkLedgerTopics(
  admin: TransportAdmin,
  topics: readonly string[],
  context: Omit<DurabilityContext, 'brokerIds'>,
  attempts = 10,
): Promise<DurabilityVerdict> {
  for (let attempt = 1; ; attempt++) {
    try {
      const settings = await readTopicSettings(admin, topics);
      return ledgerTopicsVerdict(settings.topics, { ...context, brokerIds: settings.brokerIds });
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
}
