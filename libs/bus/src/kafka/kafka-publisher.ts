import type { KafkaTransport, TransportProducer } from '../transport/kafka-transport.js';

export interface PublishedRecord {
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
}

/**
 * The relay's producer: idempotent, acks=all, one request in flight, so the
 * broker keeps a chain's records in the order we send them, without
 * duplicates from its own retries.
 */
export class KafkaPublisher {
  private readonly producer: TransportProducer;
  private connected: Promise<void> | undefined;

  constructor(kafka: KafkaTransport) {
    // Every record names its partition (the chain's shard), so the partitioner never chooses.
    this.producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  }

  async publish(topic: string, partition: number, records: PublishedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    await this.producer.send(
      topic,
      records.map((record) => ({
        partition,
        key: record.key,
        value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
        headers: record.headers,
      })),
    );
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }
}
