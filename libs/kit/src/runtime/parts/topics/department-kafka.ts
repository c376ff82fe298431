import { kafkaTransport, type KafkaClientName, type KafkaTransport } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';

import type { kafkaSasl } from '../../../department/department-config.js';

/** The department's Kafka client (KAFKA_CLIENT), logging through the app's logger (none: a probe that logs nothing). */
export function departmentKafka(
  department: string,
  brokers: string[],
  sasl: ReturnType<typeof kafkaSasl>,
  client: KafkaClientName,
  logger?: Logger,
): KafkaTransport {
  return kafkaTransport({
    client,
    clientId: `registry-bus-${department}`,
    brokers,
    sasl,
    ...(logger ? { log: (level, message, extra) => logger[level]({ ...extra }, message) } : {}),
  });
}
