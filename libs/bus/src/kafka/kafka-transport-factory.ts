import type { KafkaClientOptions, KafkaTransport } from '../transport/kafka-transport.js';
import { kafkajsTransport } from './kafkajs-transport.js';
import { platformaticTransport } from './platformatic-transport.js';

/** The Kafka clients the port has an adapter for (KAFKA_CLIENT). */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/**
 * @platformatic/kafka: maintained (kafkajs is not, since 2023), 3.6× kafkajs
 * bare and the faster bus (docs/BENCHMARKS.md), and it passed the whole suite
 * and the drills before it became the default (issue #22). kafkajs stays
 * selectable, and the port's contract spec holds both.
 */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'platformatic';

/** The port over the named client: the one place that picks an adapter. */
export function kafkaTransport(options: KafkaClientOptions & { client?: KafkaClientName }): KafkaTransport {
  const { client = DEFAULT_KAFKA_CLIENT, ...clientOptions } = options;
  switch (client) {
    case 'kafkajs':
      return kafkajsTransport(clientOptions);
    case 'platformatic':
      return platformaticTransport(clientOptions);
    default: {
      const unknown: never = client;
      throw new Error(`unknown Kafka client ${String(unknown)}`);
    }
  }
}
