/**
 * What a ledger topic must be for a record the broker acknowledged (acks=all)
 * to survive the loss of a broker: three replicas, at least two of them in
 * sync before the acknowledgement, and no out-of-sync replica ever elected
 * leader (it would truncate what the others acknowledged). The relay marks an
 * entry published once acknowledged and never publishes it again, so a lost
 * acknowledged record is a hole in the department's off-site copy.
 */
export const DURABLE_REPLICATION_FACTOR = 3;
export const DURABLE_MIN_INSYNC_REPLICAS = 2;

/** What start-up read back from the broker about one topic (DescribeConfigs and the topic metadata). */
export interface TopicSettings {
  topic: string;
  /** Replicas of each partition, by broker id (fetchTopicMetadata). */
  partitionReplicas: number[][];
  /** The effective topic configuration (topic overrides, else the broker's defaults). */
  config: Record<string, string | undefined>;
}

export interface DurabilityContext {
  /** Broker ids of the cluster (describeCluster). */
  brokerIds: number[];
  /** KAFKA_DEV_SINGLE_BROKER: fewer than three brokers and replicas are accepted, for development only. */
  devSingleBroker: boolean;
  /** Bootstrap servers, written into the fix commands as they would be typed. */
  bootstrap: string;
}

export interface DurabilityProblem {
  topic: string;
  setting: 'brokers' | 'replication.factor' | 'min.insync.replicas' | 'unclean.leader.election.enable';
  value: string;
  /** The exact command (or step) that fixes it. */
  fix: string;
}

export type DurabilityVerdict = { ok: true } | { ok: false; problems: DurabilityProblem[]; message: string };

/**
 * min.insync.replicas a ledger topic is created with, for a replication
 * factor: two, or every replica when there are fewer (one broker in
 * development: its only replica, or acks=all could never be met).
 */
export function durableMinInsync(replicationFactor: number): number {
  return Math.min(DURABLE_MIN_INSYNC_REPLICAS, replicationFactor);
}

/**
 * The verdict on the ledger topics an app is about to write to: every
 * setting that could lose an acknowledged record, each with its value and the
 * command that fixes it. Pure: start-up reads the settings and refuses to
 * start on a verdict that is not ok.
 *
 * KAFKA_DEV_SINGLE_BROKER relaxes only the count of brokers and replicas;
 * what the replicas there are must still hold: min.insync.replicas covers
 * two of them (all of them below two) and an unclean election is never allowed.
 */
export function ledgerTopicsVerdict(topics: TopicSettings[], context: DurabilityContext): DurabilityVerdict {
  const problems: DurabilityProblem[] = [];
  const kafkaConfigs = (topic: string, setting: string) =>
    `kafka-configs.sh --bootstrap-server ${context.bootstrap} --alter --entity-type topics --entity-name ${topic} --add-config ${setting}`;
  const brokers = [...context.brokerIds].sort((a, b) => a - b);

  if (!context.devSingleBroker && brokers.length < DURABLE_REPLICATION_FACTOR) {
    problems.push({
      topic: '(cluster)',
      setting: 'brokers',
      value: String(brokers.length),
      fix:
        `run at least ${DURABLE_REPLICATION_FACTOR} brokers (locally: npm start -- --brokers ${DURABLE_REPLICATION_FACTOR}), ` +
        'or, for development only, set KAFKA_DEV_SINGLE_BROKER=true',
    });
  }

  for (const { topic, partitionReplicas, config } of topics) {
    const replicationFactor = partitionReplicas.length === 0 ? 0 : Math.min(...partitionReplicas.map((r) => r.length));
    if (!context.devSingleBroker && replicationFactor < DURABLE_REPLICATION_FACTOR) {
      problems.push({
        topic,
        setting: 'replication.factor',
        value: String(replicationFactor),
        fix: reassignmentCommand(topic, partitionReplicas, brokers, context.bootstrap),
      });
    }
    const minInsync = Number(config['min.insync.replicas'] ?? '1');
    const wanted = context.devSingleBroker
      ? durableMinInsync(Math.max(replicationFactor, 1))
      : DURABLE_MIN_INSYNC_REPLICAS;
    if (!(minInsync >= wanted)) {
      problems.push({
        topic,
        setting: 'min.insync.replicas',
        value: config['min.insync.replicas'] ?? '(unset: 1)',
        fix: kafkaConfigs(topic, `min.insync.replicas=${wanted}`),
      });
    }
    if (config['unclean.leader.election.enable'] === 'true') {
      problems.push({
        topic,
        setting: 'unclean.leader.election.enable',
        value: 'true',
        fix: kafkaConfigs(topic, 'unclean.leader.election.enable=false'),
      });
    }
  }

  if (problems.length === 0) return { ok: true };
  const lines = problems.map(
    (problem) =>
      `- ${problem.topic === '(cluster)' ? 'the cluster' : `topic ${problem.topic}`}: ` +
      `${problem.setting}=${problem.value} could lose an acknowledged record; fix: ${problem.fix}`,
  );
  return {
    ok: false,
    problems,
    message: `refusing to start: the ledger topics' settings could lose an acknowledged record (docs/OPERATIONS.md, "Topic settings"):\n${lines.join('\n')}`,
  };
}

/** kafka-reassign-partitions with the plan written out: each partition keeps its replicas and gains brokers up to three. */
function reassignmentCommand(
  topic: string,
  partitionReplicas: number[][],
  brokers: number[],
  bootstrap: string,
): string {
  if (brokers.length < DURABLE_REPLICATION_FACTOR) {
    return (
      `add brokers until there are ${DURABLE_REPLICATION_FACTOR}, then raise the replicas of ${topic} with ` +
      `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file <plan> --execute ` +
      `(or, for development only, set KAFKA_DEV_SINGLE_BROKER=true)`
    );
  }
  const partitions = partitionReplicas.map((replicas, partition) => {
    const grown = [...replicas];
    // Start after the partition's leader so the added replicas spread across the brokers.
    for (let i = 0; grown.length < DURABLE_REPLICATION_FACTOR && i < brokers.length * 2; i++) {
      const candidate = brokers[(partition + i) % brokers.length]!;
      if (!grown.includes(candidate)) grown.push(candidate);
    }
    return { topic, partition, replicas: grown };
  });
  const plan = JSON.stringify({ version: 1, partitions });
  return (
    `echo '${plan}' > reassign-${topic}.json && ` +
    `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file reassign-${topic}.json --execute`
  );
}
