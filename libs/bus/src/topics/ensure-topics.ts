import type { TransportAdmin } from '../transport/kafka-transport.js';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Ledger topics keep their records forever: they are the department's off-site copy. */
  retainForever?: boolean;
  /**
   * Replicas that must hold a record before acks=all acknowledges it
   * (durableMinInsync); ledger topics also never elect an out-of-sync leader.
   */
  minInsyncReplicas?: number;
  /** How long a topic that is not a record keeps messages (the request and reply topics: an hour). */
  retentionMs?: number;
}

/**
 * Creates topics explicitly before first use (brokers run with
 * auto.create.topics.enable=false), and grows partitions when shards were added.
 *
 * A topic just created can be briefly unknown to the broker that answers the
 * next metadata request (seen when several apps start at once); kafkajs marks
 * that error retriable but does not retry it while waiting for leaders, so the
 * whole step is retried a bounded number of times before start-up fails.
 */
export async function ensureTopics(admin: TransportAdmin, specs: TopicSpec[], attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopicsOnce(admin, specs);
      return;
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
}

async function ensureTopicsOnce(admin: TransportAdmin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics(
      missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: [
          ...(spec.retainForever
            ? [
                { name: 'retention.ms', value: '-1' },
                { name: 'retention.bytes', value: '-1' },
                { name: 'cleanup.policy', value: 'delete' },
              ]
            : []),
          ...(spec.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(spec.retentionMs) }] : []),
          ...(spec.minInsyncReplicas !== undefined
            ? [
                { name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) },
                { name: 'unclean.leader.election.enable', value: 'false' },
              ]
            : []),
        ],
      })),
    );
  }
  const present = specs.filter((spec) => existing.has(spec.topic));
  if (present.length === 0) return;
  const metadata = await admin.topicMetadata(present.map((spec) => spec.topic));
  const grow = present.flatMap((spec) => {
    const count = metadata.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0;
    return count < spec.partitions ? [{ topic: spec.topic, count: spec.partitions }] : [];
  });
  if (grow.length > 0) await admin.createPartitions(grow);
}

/**
 * On a broker with ACLs: which of `topics` this client may read now. The
 * broker lists only the topics a user may describe, and the ACLs give
 * describe and read together (see brokerAcls); a topic whose owner has not
 * created it yet is not readable yet either. Asking never creates anything
 * and is never refused, so it can be asked every few seconds.
 */
export async function readableTopics(admin: TransportAdmin, topics: readonly string[]): Promise<string[]> {
  const visible = new Set(await admin.listTopics());
  return topics.filter((topic) => visible.has(topic));
}
