import { decodeIdempotency, IDEMPOTENCY_HEADER, type EntryIdempotency } from '@registry-bus/ledger';
import type { KafkaTransport } from '@registry-bus/bus';

import { readWholeTopic } from './topic-reader.js';

/** One ledger record as a recovery source gives it back: wire bytes, and where they came from. */
export interface SourceRecord {
  /** For the report and refusals: "gov.land.ledger.v2 offset 17", "mirror http://… land entry 17". */
  where: string;
  key: string | null;
  value: Uint8Array | null;
  /** The command's idempotency key, when the source carries it (the topic does, mirrors do not). */
  idempotency?: EntryIdempotency;
  /** The idempotency header as it came (sealed since issue #28: `ownDataSource` opens it). */
  idempotencyHeader?: string;
}

/** Where a chain's records are read back from: its own topic, or the mirrors other departments keep. */
export interface RecoverySource {
  readonly name: string;
  /**
   * Hands every record to `onBatch`, in order, and returns how many it read.
   * `afterSeq`: the entries up to it are not needed (the database has them);
   * a source that can skip them does (mirrors), a topic reads from its start.
   */
  read(onBatch: (records: SourceRecord[]) => Promise<void>, afterSeq?: number): Promise<number>;
}

/**
 * A chain's partition of a ledger topic (0, or a shard's), read from its
 * first record with a group of its own that commits nothing.
 */
export function topicSource(kafka: KafkaTransport, topic: string, groupId: string, partition = 0): RecoverySource {
  const place = partition === 0 ? topic : `${topic} partition ${partition}`;
  return {
    name: `topic ${place}`,
    read: (onBatch) =>
      readWholeTopic(
        kafka,
        topic,
        groupId,
        (records) =>
          onBatch(
            records.map((record) => {
              const header = record.headers[IDEMPOTENCY_HEADER];
              const idempotency = decodeIdempotency(header);
              return {
                where: `${place} offset ${record.offset}`,
                key: record.key,
                value: record.value,
                ...(idempotency ? { idempotency } : header ? { idempotencyHeader: header } : {}),
              };
            }),
          ),
        undefined,
        partition,
      ),
  };
}
