import { kafkajsTransport } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import type { KafkaTransport } from '@registry-bus/bus';

import type { kafkaSasl } from '../../../department/department-config.js';

/** The department's Kafka client, logging through the app's logger (none: a probe that logs nothing). */
export function departmentKafka(
  department: string,
  brokers: string[],
  sasl: ReturnType<typeof kafkaSasl>,
  logger?: Logger,
): KafkaTransport {
  return kafkajsTransport({
    clientId: `registry-bus-${department}`,
    brokers,
    sasl,
    ...(logger ? { log: (level, message, extra) => logger[level]({ ...extra }, message) } : {}),
  });
}
