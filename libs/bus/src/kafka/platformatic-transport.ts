import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ConfigResourceTypes,
  Consumer,
  ListOffsetTimestamps,
  Producer,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
  type AclFilter,
  type Message,
  type MessagesStream,
  type SASLOptions,
} from '@platformatic/kafka';

import type {
  AclBinding,
  BatchContext,
  ConsumerOptions,
  KafkaClientOptions,
  KafkaTransport,
  ProducerOptions,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
  TransportRecord,
} from '../transport/kafka-transport.js';

/**
 * The @platformatic/kafka adapter of the Kafka port (KAFKA_CLIENT=platformatic).
 * The client reads a group's partitions as one stream of messages and keeps
 * its own fetch positions; the port promises per-partition batches whose
 * offsets the caller keeps, with seek and pause per partition. This adapter
 * builds those on the stream: it holds the position of every partition
 * itself, hands a partition's records on only in order from that position,
 * and moves the stream's fetch position when it seeks (see PartitionGate).
 */
export function platformaticTransport(options: KafkaClientOptions): KafkaTransport {
  const base = baseOptionsOf(options);
  return {
    producer: (producerOptions) => producerOf(base, producerOptions),
    consumer: (consumerOptions) => consumerOf(base, consumerOptions, options.log),
    admin: () => adminOf(new Admin(base)),
  };
}

interface BaseClientOptions {
  clientId: string;
  bootstrapBrokers: string[];
  sasl?: SASLOptions;
  /** TLS with the CA the brokers' certificates are checked against (Node's tls: hostname verified). */
  tls?: { ca: string[] };
  retries: number;
  retryDelay: number;
  connectTimeout: number;
}

function baseOptionsOf(options: KafkaClientOptions): BaseClientOptions {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    ...(options.sasl
      ? { sasl: { mechanism: 'SCRAM-SHA-512', username: options.sasl.username, password: options.sasl.password } }
      : {}),
    ...(options.ssl ? { tls: { ca: options.ssl.ca } } : {}),
    // The same budget as the kafkajs adapter: a few retries for a moving leader, none for a health check.
    retries: options.failFast ? 0 : 5,
    retryDelay: 250,
    connectTimeout: options.failFast ? 1500 : 3000,
  };
}

function producerOf(base: BaseClientOptions, options: ProducerOptions = {}): TransportProducer {
  const idempotent = options.idempotent ?? true;
  let producer: Producer | undefined;
  const open = () =>
    (producer ??= new Producer({
      ...base,
      idempotent,
      acks: -1,
      autocreateTopics: options.allowAutoTopicCreation ?? false,
    }));
  return {
    connect: async () => {
      // The client connects on its first request: ask now, so a dead broker (or a producer id the broker
      // cannot allocate yet) fails here, as the port's connect promises.
      const client = open();
      await client.metadata({ topics: [] });
      if (idempotent && client.producerId === undefined) await client.initIdempotentProducer({ acks: -1 });
    },
    disconnect: async () => {
      await producer?.close();
      producer = undefined;
    },
    send: async (topic, records) => {
      await open()
        .send({
          acks: -1,
          messages: records.map((record) => ({
            topic,
            key: Buffer.from(record.key),
            value: Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value),
            ...(record.headers
              ? {
                  headers: new Map(
                    Object.entries(record.headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)]),
                  ),
                }
              : {}),
            ...(record.partition !== undefined ? { partition: record.partition } : {}),
          })),
        })
        .catch((error: unknown) => {
          throw markRetriable(error);
        });
    },
  };
}

type Log = KafkaClientOptions['log'];

/** How long a consumer's disconnect waits for the stream and the group to close. */
const CLOSE_MS = 5000;

async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Most records a batch holds, and how many the adapter keeps waiting before it stops fetching. */
const MAX_BATCH = 2000;
const HIGH_WATER = 5000;

/**
 * Where each partition stands for the caller: the next offset it is owed,
 * whether the stream must first come back to exactly that offset (after a
 * seek), whether it is paused, and how often it was seeked (a batch taken
 * before a seek or a rebalance is stale).
 */
interface PartitionGate {
  topic: string;
  partition: number;
  position?: bigint;
  awaitExact: boolean;
  paused: boolean;
  epoch: number;
  queue: Message[];
  busy: boolean;
}

function consumerOf(base: BaseClientOptions, options: ConsumerOptions, log: Log): TransportConsumer {
  // kafkajs's defaults, not the client's (a minute's session, two for a rebalance): a member killed with
  // kill -9 must leave the group as soon as under kafkajs, or its restart waits past the join's bound.
  const group = {
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 3000,
  };
  const consumer = new Consumer({
    ...base,
    groupId: options.groupId,
    autocreateTopics: false,
    ...group,
    ...(options.maxWaitTimeMs !== undefined ? { maxWaitTime: options.maxWaitTimeMs } : {}),
  });
  let topics: string[] = [];
  let fromBeginning = false;
  let running = false;
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  const gates = new Map<string, PartitionGate>();
  const joinListeners = new Set<() => void>();
  const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;
  const gateOf = (topic: string, partition: number): PartitionGate => {
    const key = keyOf(topic, partition);
    let gate = gates.get(key);
    if (!gate) {
      gate = { topic, partition, awaitExact: false, paused: false, epoch: 0, queue: [], busy: false };
      gates.set(key, gate);
    }
    return gate;
  };
  /** Makes `offset` the next record this partition hands on, and points the stream's fetch there. */
  const rewind = (gate: PartitionGate, offset: bigint) => {
    gate.queue = [];
    gate.position = offset;
    gate.awaitExact = true;
    stream?.offsetsToFetch.set(keyOf(gate.topic, gate.partition), offset);
  };
  /** Drops what waits in the queue, so the stream reads it again from the first dropped record. */
  const dropQueue = (gate: PartitionGate) => {
    const first = gate.queue[0];
    if (first) rewind(gate, first.offset);
  };
  consumer.on('consumer:group:join', () => {
    // A rebalance: every batch under way is stale, and what was fetched for partitions we may no longer own waits no more.
    for (const gate of gates.values()) {
      gate.epoch++;
      dropQueue(gate);
    }
    for (const listener of [...joinListeners]) listener();
  });

  /**
   * Joins and opens the stream; as kafkajs's run() does, a retriable failure (a coordinator still loading,
   * a broker away) is tried again while the consumer runs, anything else (a group it may not read) throws.
   */
  const start = async (
    mode: 'batches' | 'messages',
    onData: (message: Message) => void,
    onOffsets: () => void,
  ): Promise<void> => {
    for (;;) {
      try {
        await open(mode, onData, onOffsets);
        return;
      } catch (error) {
        if (!running || !(markRetriable(error) as { retriable?: boolean }).retriable) throw error;
        log?.('warn', `kafka consumer ${options.groupId}: joining again after ${String(error)}`, { error });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  const open = async (mode: 'batches' | 'messages', onData: (message: Message) => void, onOffsets: () => void) => {
    const opened = await consumer.consume({
      topics,
      // Batches: nothing committed, the caller seeks to what it stored. Messages: the client commits as it reads.
      mode: mode === 'batches' ? (fromBeginning ? 'earliest' : 'latest') : 'committed',
      fallbackMode: fromBeginning ? 'earliest' : 'latest',
      autocommit: mode === 'messages',
      ...group,
      ...(options.maxWaitTimeMs !== undefined ? { maxWaitTime: options.maxWaitTimeMs } : {}),
    });
    stream = opened;
    // Seeks made before the stream existed, or overwritten by the stream's own refresh at a join.
    opened.on('offsets', onOffsets);
    opened.on('data', onData);
    opened.on('error', (error: Error) => {
      log?.('error', `kafka consumer ${options.groupId}: ${error.message}`, { error });
      if (stream === opened) stream = undefined;
      if (!running) return;
      // Like kafkajs's restart on a crash: a new stream, positions kept by the gates.
      setTimeout(() => {
        if (running && !stream) void start(mode, onData, onOffsets).catch(() => undefined);
      }, 1000).unref();
    });
  };
  const reapplySeeks = () => {
    for (const gate of gates.values()) {
      if (gate.awaitExact && gate.position !== undefined)
        stream?.offsetsToFetch.set(keyOf(gate.topic, gate.partition), gate.position);
    }
  };

  return {
    connect: async () => {
      await consumer.metadata({ topics: [] });
    },
    disconnect: async () => {
      running = false;
      const closing = stream;
      stream = undefined;
      // Bounded: a stream closing waits for its fetches in flight, and a stop must not hang on them.
      await within(
        CLOSE_MS,
        closing?.close().catch(() => undefined),
      );
      await within(
        CLOSE_MS,
        consumer.close(true).catch(() => undefined),
      );
    },
    subscribe: async (subscribed, options) => {
      topics = [...subscribed];
      fromBeginning = options.fromBeginning;
    },
    runBatches: async ({ partitionsConcurrently = 1, eachBatch }) => {
      running = true;
      let active = 0;
      let queued = 0;
      const accept = (message: Message): boolean => {
        const gate = gateOf(message.topic, message.partition);
        if (gate.paused) return false;
        if (gate.awaitExact) {
          if (message.offset !== gate.position) {
            // An answer to a fetch made before the seek: ask again from the seek's offset.
            stream?.offsetsToFetch.set(keyOf(gate.topic, gate.partition), gate.position!);
            return false;
          }
          gate.awaitExact = false;
        } else if (gate.position !== undefined && message.offset < gate.position) {
          return false;
        }
        gate.position = message.offset + 1n;
        gate.queue.push(message);
        return true;
      };
      const schedule = () => {
        queued = [...gates.values()].reduce((sum, gate) => sum + gate.queue.length, 0);
        if (stream) {
          if (queued >= HIGH_WATER && !stream.isPaused()) stream.pause();
          else if (queued < HIGH_WATER / 5 && stream.isPaused()) stream.resume();
        }
        for (const gate of gates.values()) {
          if (active >= partitionsConcurrently) return;
          if (gate.busy || gate.paused || gate.queue.length === 0) continue;
          active++;
          gate.busy = true;
          void runBatch(gate).finally(() => {
            gate.busy = false;
            active--;
            if (running) schedule();
          });
        }
      };
      const runBatch = async (gate: PartitionGate) => {
        const messages = gate.queue.splice(0, MAX_BATCH);
        const epoch = gate.epoch;
        let resolved: bigint | undefined;
        const context: BatchContext = {
          batch: { topic: gate.topic, partition: gate.partition, messages: messages.map(recordOf) },
          resolveOffset: (offset) => {
            resolved = BigInt(offset);
          },
          // The client heartbeats on its own timer, whatever the handler does.
          heartbeat: async () => undefined,
          // Nothing is committed: the caller keeps its offsets (the port's promise for batches).
          commitOffsetsIfNecessary: async () => undefined,
          isRunning: () => running,
          isStale: () => gate.epoch !== epoch,
          pause: () => {
            gate.paused = true;
            return () => {
              gate.paused = false;
              // Read again from where this partition stands: what came while it was paused was dropped.
              if (gate.position !== undefined) rewind(gate, gate.position);
              schedule();
            };
          },
        };
        try {
          await eachBatch(context);
        } catch (error) {
          log?.('error', `kafka consumer ${options.groupId}: a batch of ${gate.topic}[${gate.partition}] failed`, {
            error,
          });
        }
        if (gate.epoch !== epoch) return;
        const last = messages.at(-1)!.offset;
        if (resolved === undefined || resolved < last) {
          // Unresolved records are read again, as kafkajs does without auto-resolve.
          rewind(gate, resolved === undefined ? messages[0]!.offset : resolved + 1n);
        }
      };
      // A fetch's records arrive one 'data' event at a time in one turn: gather them into one batch.
      let pending = false;
      const scheduleSoon = () => {
        if (pending) return;
        pending = true;
        setImmediate(() => {
          pending = false;
          if (running) schedule();
        });
      };
      await start(
        'batches',
        (message) => {
          if (accept(message)) scheduleSoon();
        },
        reapplySeeks,
      );
    },
    runMessages: async (eachMessage) => {
      running = true;
      let chain = Promise.resolve();
      await start(
        'messages',
        (message) => {
          chain = chain.then(async () => {
            try {
              await eachMessage({ topic: message.topic, partition: message.partition, ...recordOf(message) });
            } catch (error) {
              log?.('error', `kafka consumer ${options.groupId}: a message handler failed`, { error });
            }
          });
        },
        () => undefined,
      );
    },
    seek: ({ topic, partition, offset }) => {
      const gate = gateOf(topic, partition);
      gate.epoch++;
      rewind(gate, BigInt(offset));
    },
    pause: (partitions) => {
      for (const { topic, partitions: ids } of partitions) {
        for (const id of ids) {
          const gate = gateOf(topic, id);
          gate.paused = true;
          dropQueue(gate);
        }
      }
    },
    onGroupJoin: (listener) => {
      joinListeners.add(listener);
      return () => joinListeners.delete(listener);
    },
  };
}

function recordOf(message: Message): TransportRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of message.headers) headers[name.toString()] = value;
  return {
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}

/** How long createTopics waits for the new partitions' leaders. */
const LEADER_WAIT_MS = 30_000;

function adminOf(admin: Admin): TransportAdmin {
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
          bindingOf({
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

/** The client's enums are name → code tables: read a name back by its code. */
function nameOf<T extends string>(table: Record<string, number>, code: number): T {
  const name = Object.entries(table).find(([, value]) => value === code)?.[0];
  if (!name) throw new Error(`unknown @platformatic/kafka enum code ${code}`);
  return name as T;
}

function aclOf(binding: AclBinding): Acl {
  return {
    principal: binding.principal,
    host: binding.host,
    operation: AclOperations[binding.operation],
    permissionType: AclPermissionTypes[binding.permission],
    resourceType: ResourceTypes[binding.resourceType],
    resourceName: binding.resourceName,
    resourcePatternType: ResourcePatternTypes[binding.patternType],
  };
}

function bindingOf(acl: Acl): AclBinding {
  return {
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(AclOperations, acl.operation),
    permission: nameOf(AclPermissionTypes, acl.permissionType),
    resourceType: nameOf(ResourceTypes, acl.resourceType),
    resourceName: acl.resourceName,
    patternType: nameOf(ResourcePatternTypes, acl.resourcePatternType),
  };
}
