import type { Admin } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Ledger topics keep their records forever: they are the department's off-site copy. */
  retainForever?: boolean;
}

/**
 * Creates topics explicitly before first use (brokers run with
 * auto.create.topics.enable=false), and grows partitions when shards were added.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: spec.retainForever
          ? [
              { name: 'retention.ms', value: '-1' },
              { name: 'retention.bytes', value: '-1' },
              { name: 'cleanup.policy', value: 'delete' },
            ]
          : [],
      })),
    });
  }
  const present = specs.filter((spec) => existing.has(spec.topic));
  if (present.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
  const grow = present.flatMap((spec) => {
    const count = metadata.topics.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0;
    return count < spec.partitions ? [{ topic: spec.topic, count: spec.partitions }] : [];
  });
  if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow, validateOnly: false });
}
