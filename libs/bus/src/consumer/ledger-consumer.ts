import {
  headerText,
  type BatchContext,
  type HeaderValue,
  type KafkaTransport,
  type TransportConsumer,
} from '../transport/kafka-transport.js';

import type { ConsumerPipeline, PipelineOutcome } from './consumer-pipeline.js';
import type { IncomingRecord } from './consumer-types.js';

export interface LedgerConsumerOptions {
  kafka: KafkaTransport;
  groupId: string;
  topics: string[];
  pipeline: ConsumerPipeline;
  /** Partitions (chains) processed at the same time; 4 by default. */
  partitionsConcurrently?: number;
  /** How long a partition held at a gap waits before it is read again. */
  heldRetryMs?: number;
  maxBackoffMs?: number;
  onOutcome?: (record: IncomingRecord, outcome: PipelineOutcome) => void;
  onError?: (error: unknown, record: IncomingRecord, retryInMs: number) => void;
}

function headersOf(headers: Record<string, HeaderValue> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

/**
 * Feeds ledger topics into the consumer pipeline through the Kafka port (not
 * the @nestjs/microservices transport, which runs one consumer for all
 * topics with automatic commits and no way to hold a partition at a gap).
 *
 * Records of a partition go through the pipeline in order, a Kafka batch
 * at a time (the pipeline applies runs of clean records in one transaction).
 * Where to start is the consumer's own database (the pipeline's stored
 * offsets), not the group's committed offsets, so a database restored from
 * a backup re-reads exactly what it lacks. A database that is away makes the
 * record retry with back-off while the group heartbeat keeps going.
 */
export class LedgerConsumer {
  private readonly consumer: TransportConsumer;
  private readonly heldRetryMs: number;
  private readonly maxBackoffMs: number;
  private running = false;

  constructor(private readonly options: LedgerConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3000,
      maxWaitTimeMs: 100,
    });
    this.heldRetryMs = options.heldRetryMs ?? 5000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.consumer.connect();
    await this.consumer.subscribe(this.options.topics, { fromBeginning: true });
    this.consumer.onGroupJoin(() => {
      // A rebalance may hand us partitions another instance advanced: re-read positions from the database.
      this.options.pipeline.resetCache();
      // A consumer that crashed (its coordinator moved: a broker went down) and restarts may have no group yet
      // when this runs; seek then throws, and the restart's own GROUP_JOIN seeks again.
      void this.seekToStoredOffsets().catch(() => undefined);
    });
    await this.consumer.runBatches({
      // Partitions are chains (a topic per department, a partition per shard): each is applied in its own order.
      partitionsConcurrently: this.options.partitionsConcurrently ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }

  private async seekToStoredOffsets(): Promise<void> {
    const offsets = await this.options.pipeline.storedOffsets();
    for (const offset of offsets.filter((o) => this.options.topics.includes(o.topic))) {
      this.consumer.seek(offset);
    }
  }

  private async eachBatch(payload: BatchContext): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause } = payload;
    const records: IncomingRecord[] = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      value: message.value ? new Uint8Array(message.value) : null,
      headers: headersOf(message.headers),
    }));
    const stillOurs = () => isRunning() && !isStale() && this.running;
    let next = 0;
    while (next < records.length && stillOurs()) {
      // A long handler must not cost the group its membership: heartbeat while it runs.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 3000);
      let outcomes: PipelineOutcome[] | undefined;
      try {
        outcomes = await this.processWithRetry(records.slice(next), heartbeat, stillOurs);
      } finally {
        clearInterval(beat);
      }
      if (!outcomes) return;
      for (const outcome of outcomes) {
        const record = records[next++]!;
        this.options.onOutcome?.(record, outcome);
        if (outcome.kind === 'held' || outcome.kind === 'held-key') {
          // Leave the record unacknowledged; read the partition again later, starting at it.
          const resume = pause();
          setTimeout(() => {
            if (!this.running) return;
            this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: record.offset });
            resume();
          }, this.heldRetryMs).unref();
          await commitOffsetsIfNecessary();
          return;
        }
        resolveOffset(record.offset);
      }
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /** The pipeline's outcomes for `records` (a prefix of them when one is held), retried while the database is away. */
  private async processWithRetry(
    records: IncomingRecord[],
    heartbeat: () => Promise<void>,
    stillOurs: () => boolean,
  ): Promise<PipelineOutcome[] | undefined> {
    let delay = 100;
    while (stillOurs()) {
      try {
        return await this.options.pipeline.processBatch(records);
      } catch (error) {
        // What was applied before the failure comes back as duplicates on the retry.
        this.options.onError?.(error, records[0]!, delay);
        const until = Date.now() + delay;
        while (Date.now() < until && stillOurs()) {
          await heartbeat().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
        }
        delay = Math.min(delay * 2, this.maxBackoffMs);
      }
    }
    return undefined;
  }
}
