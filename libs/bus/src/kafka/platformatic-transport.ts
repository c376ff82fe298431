import { Admin, Producer } from '@platformatic/kafka';

import type {
  KafkaClientOptions,
  KafkaTransport,
  ProducerOptions,
  TransportProducer,
} from '../transport/kafka-transport.js';

import { adminOf, markRetriable } from './platformatic-admin.js';
import { baseOptionsOf, type BaseClientOptions } from './platformatic-options.js';
import { consumerOf } from './platformatic-consumer.js';

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
