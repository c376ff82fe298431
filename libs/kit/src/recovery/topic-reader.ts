import { headerText, type KafkaTransport } from '@registry-bus/bus';
import { parseStrictJsonBytes } from '@registry-bus/protocol';

/** One record as recovery reads it back. */
export interface TopicRecord {
  offset: number;
  key: string | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
}

/**
 * Reads one partition of a topic (a chain: partition 0, or a shard's) from
 * its first record to its high watermark at the moment of asking, a batch at
 * a time, with a group of its own that commits nothing (allowed by the
 * department's group ACL prefix). Bounded: it fails if the records stop
 * coming before the end is reached.
 */
export async function readWholeTopic(
  kafka: KafkaTransport,
  topic: string,
  groupId: string,
  onBatch: (records: TopicRecord[]) => Promise<void>,
  stallMs = 30_000,
  partition = 0,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let range: PartitionRange;
  try {
    const offsets = await admin.topicOffsets(topic);
    const own = offsets.find((o) => o.partition === partition);
    if (!own) throw new Error(`${topic} has no partition ${partition}`);
    range = {
      partition,
      start: Number(own.low),
      end: Number(own.high),
      partitions: offsets.map((o) => o.partition),
    };
  } finally {
    await admin.disconnect();
  }
  return readRange(kafka, topic, groupId, range, onBatch, stallMs);
}

/** Offsets [start, end) of one partition (a shard's, or 0); `partitions`: all of the topic's, the others paused. */
interface PartitionRange {
  partition: number;
  start: number;
  end: number;
  partitions: number[];
}

/** Reads a range of one partition of `topic`, a batch at a time. */
async function readRange(
  kafka: KafkaTransport,
  topic: string,
  groupId: string,
  { partition, start, end, partitions }: PartitionRange,
  onBatch: (records: TopicRecord[]) => Promise<void>,
  stallMs = 30_000,
): Promise<number> {
  if (end <= start) return 0;

  const consumer = kafka.consumer({ groupId, maxWaitTimeMs: 500 });
  await consumer.connect();
  let read = 0;
  let failure: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let lastProgress = Date.now();
  try {
    await consumer.subscribe([topic], { fromBeginning: true });
    await consumer.runBatches({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (failure || batch.partition !== partition) return;
        const records: TopicRecord[] = [];
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < start) continue;
          if (offset >= end) break;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            const text = headerText(value);
            if (text !== undefined) headers[name] = text;
          }
          records.push({
            offset,
            key: message.key ? message.key.toString('utf8') : null,
            value: message.value ? new Uint8Array(message.value) : null,
            headers,
          });
        }
        try {
          if (records.length > 0) await onBatch(records);
        } catch (error) {
          failure = error;
          finish();
          return;
        }
        for (const record of records) resolveOffset(String(record.offset));
        read += records.length;
        lastProgress = Date.now();
        await heartbeat();
        if (records.length > 0 && records.at(-1)!.offset >= end - 1) finish();
      },
    });
    consumer.seek({ topic, partition, offset: String(start) });
    // The other shards' partitions are not wanted: the group would otherwise read them from the start too.
    const others = partitions.filter((other) => other !== partition);
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    const stall = setInterval(() => {
      if (Date.now() - lastProgress > stallMs) {
        failure ??= new Error(`reading ${topic} stalled at ${read} of ${end - start} records for ${stallMs} ms`);
        finish();
      }
    }, 1000);
    await finished;
    clearInterval(stall);
  } finally {
    await consumer.disconnect();
  }
  if (failure) throw failure;
  return read;
}

/**
 * The seq of the entry at `offset` of a ledger topic (its last record, when
 * asked at start-up; the caller has just read the offsets, so it exists):
 * read with a group of its own that commits nothing.
 */
export async function lastSeqOnTopic(
  kafka: KafkaTransport,
  topic: string,
  offset: number,
  groupPrefix: string,
  partition = 0,
  /** Every partition of the topic (the caller has just read them with the offsets). */
  partitions: number[] = [partition],
): Promise<number> {
  let seq = 0;
  await readRange(
    kafka,
    topic,
    `${groupPrefix}.head-check-${Date.now().toString(36)}`,
    { partition, start: offset, end: offset + 1, partitions },
    (records) => {
      for (const record of records) {
        const value = record.value ? (parseStrictJsonBytes(record.value, 'the record') as { seq?: unknown }) : {};
        if (typeof value.seq === 'string' && /^[1-9][0-9]*$/.test(value.seq)) seq = Math.max(seq, Number(value.seq));
      }
      return Promise.resolve();
    },
  );
  return seq;
}
