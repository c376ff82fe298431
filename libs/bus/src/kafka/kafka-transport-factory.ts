import type { KafkaClientOptions, KafkaTransport } from '../transport/kafka-transport.js';
import { kafkajsTransport } from './kafkajs-transport.js';
import { platformaticTransport } from './platformatic-transport.js';

/** The Kafka clients the port has an adapter for (KAFKA_CLIENT). */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** The port over the named client: the one place that picks an adapter. */
export function kafkaTransport(options: KafkaClientOptions & { client?: KafkaClientName }): KafkaTransport {
  const { client = 'kafkajs', ...clientOptions } = options;
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
