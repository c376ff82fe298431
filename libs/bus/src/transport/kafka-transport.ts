/**
 * The Kafka port: everything the bus and the kit ask of a Kafka client —
 * produce, consume with offsets kept by the caller, topic, config and ACL
 * admin — in our own types. Two adapters implement it, kafkajs
 * (../kafka/kafkajs-transport.ts) and @platformatic/kafka
 * (../kafka/platformatic-transport.ts and its consumer, admin and options files), picked by kafkaTransport({client})
 * (KAFKA_CLIENT); no client's type appears outside its adapter, and one
 * contract spec (libs/bus/integration/kafka-transport-contract.spec.ts)
 * holds both to what is written here.
 *
 * Errors keep the client's own error objects; a transient one (a leader
 * moving, a topic's metadata not yet everywhere) carries `retriable: true`.
 */

/** A record header value as a client hands it over: bytes or text, one or several. */
export type HeaderValue = Buffer | string | ReadonlyArray<Buffer | string> | undefined;

/** A record as it is read from a partition. */
export interface TransportRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, HeaderValue>;
}

/** A record to send: to a named partition (a chain's shard) or by key. */
export interface OutgoingRecord {
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
  partition?: number;
}

export interface ProducerOptions {
  /**
   * Idempotent with one request in flight: the broker keeps the records in
   * the order they were sent, without duplicates from the client's retries.
   * Every producer of the bus is; the option is there for tools.
   */
  idempotent?: boolean;
  allowAutoTopicCreation?: boolean;
}

export interface TransportProducer {
  /** Connects; an idempotent producer also obtains its producer id (the broker allocates it). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Sends with acks=all: resolves once every in-sync replica has the records. */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a fetch waits for records (small: a ledger consumer wants latency, not batches). */
  maxWaitTimeMs?: number;
}

/** One batch of one partition, and what its consumer may do while it handles it. */
export interface TransportBatch {
  topic: string;
  partition: number;
  messages: TransportRecord[];
}

export interface BatchContext {
  batch: TransportBatch;
  /** Marks a record handled (offsets are the caller's: nothing is committed automatically). */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  /** False once the consumer stops. */
  isRunning(): boolean;
  /** True once a rebalance took this partition away (or moved it back to an earlier offset). */
  isStale(): boolean;
  /** Pauses this partition; the returned function resumes it. */
  pause(): () => void;
}

export interface IncomingMessage extends TransportRecord {
  topic: string;
  partition: number;
}

export interface TransportConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(topics: readonly string[], options: { fromBeginning: boolean }): Promise<void>;
  /** Batches, in order per partition, `partitionsConcurrently` partitions at a time; nothing auto-committed or auto-resolved. */
  runBatches(options: {
    partitionsConcurrently?: number;
    eachBatch(context: BatchContext): Promise<void>;
  }): Promise<void>;
  /** Message by message, offsets committed by the client (query requests and replies: nothing to replay). */
  runMessages(eachMessage: (message: IncomingMessage) => Promise<void>): Promise<void>;
  seek(position: { topic: string; partition: number; offset: string }): void;
  pause(partitions: ReadonlyArray<{ topic: string; partitions: number[] }>): void;
  /** Called at every group join (the first, and after each rebalance); returns a function that removes it. */
  onGroupJoin(listener: () => void): () => void;
}

export interface TopicToCreate {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: ReadonlyArray<{ name: string; value: string }>;
}

export interface TopicMetadata {
  name: string;
  partitions: Array<{ partitionId: number; leader: number; replicas: number[]; isr: number[] }>;
}

export interface PartitionOffsets {
  partition: number;
  /** The first offset still on the broker. */
  low: string;
  /** The offset the next record will get (the high watermark). */
  high: string;
}

/** An ACL, in the broker's own words (principal `User:<name>`). */
export interface AclBinding {
  principal: string;
  host: string;
  operation: AclOperation;
  permission: 'ALLOW' | 'DENY';
  resourceType: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
}

export type AclOperation =
  | 'ALL'
  | 'READ'
  | 'WRITE'
  | 'CREATE'
  | 'DELETE'
  | 'ALTER'
  | 'DESCRIBE'
  | 'CLUSTER_ACTION'
  | 'DESCRIBE_CONFIGS'
  | 'ALTER_CONFIGS'
  | 'IDEMPOTENT_WRITE';

export interface TransportAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The topics this client may describe (on a broker with ACLs, not every topic). */
  listTopics(): Promise<string[]>;
  /** Creates the topics and waits for their leaders. */
  createTopics(topics: readonly TopicToCreate[]): Promise<void>;
  createPartitions(grow: ReadonlyArray<{ topic: string; count: number }>): Promise<void>;
  topicMetadata(topics: readonly string[]): Promise<TopicMetadata[]>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The cluster's id and its live brokers' ids. */
  cluster(): Promise<{ clusterId: string; brokerIds: number[] }>;
  /** The effective value (the topic's own, else the broker default) of each named setting, by topic. */
  topicConfigs(topics: readonly string[], names: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /** Deletes topics (a ledger's generation 1 topic, once republished). */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Sets one setting of a topic, leaving its other settings as they are. */
  setTopicConfig(topic: string, name: string, value: string): Promise<void>;
  /** Asks the group coordinator about a group: throws while it cannot answer (a fresh broker loading). */
  describeGroup(groupId: string): Promise<void>;
  /** Every ACL naming this principal. */
  aclsOf(principal: string): Promise<AclBinding[]>;
  createAcls(acls: readonly AclBinding[]): Promise<void>;
  deleteAcls(acls: readonly AclBinding[]): Promise<void>;
}

export interface KafkaTransport {
  producer(options?: ProducerOptions): TransportProducer;
  consumer(options: ConsumerOptions): TransportConsumer;
  admin(): TransportAdmin;
}

/** Who connects, and how (the same for every adapter). */
export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** SASL/SCRAM credentials of this department's broker user (DESIGN.md, "Access rights"): absent on an open broker. */
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
  /** TLS to the brokers: the CA (PEM) their certificates are checked against, hostname verified. */
  ssl?: { ca: string[] };
  /** Receives the client's own log lines (warnings and errors), for the app's structured logger. */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
  /** Fail fast (health checks): no retries, a short connection timeout. */
  failFast?: boolean;
}

/** A header's first value as text (what the protocol's headers are). */
export function headerText(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : (value as Buffer | string | undefined);
  return first === undefined ? undefined : first.toString();
}
