import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';

import type {
  BatchContext,
  ConsumerOptions,
  KafkaClientOptions,
  TransportConsumer,
  TransportRecord,
} from '../transport/kafka-transport.js';

import { markRetriable } from './platformatic-admin.js';
import type { BaseClientOptions } from './platformatic-options.js';

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

export function consumerOf(base: BaseClientOptions, options: ConsumerOptions, log: Log): TransportConsumer {
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
