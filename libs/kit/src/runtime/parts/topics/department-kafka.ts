import { createKafka } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import type { Kafka } from 'kafkajs';

import type { kafkaSasl } from '../../../department/department-config.js';

/** The department's Kafka client, logging through the app's logger. */
export function departmentKafka(
  department: string,
  brokers: string[],
  sasl: ReturnType<typeof kafkaSasl>,
  logger: Logger,
): Kafka {
  return createKafka({
    clientId: `registry-bus-${department}`,
    brokers,
    sasl,
    log: (level, message, extra) => logger[level]({ ...extra }, message),
  });
}
