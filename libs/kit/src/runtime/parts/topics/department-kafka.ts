import { kafkaTransport, type KafkaTransport } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';

import { kafkaSasl, kafkaSsl, type DepartmentConfig } from '../../../department/department-config.js';

/**
 * The department's Kafka client, as its configuration says: the client
 * library (KAFKA_CLIENT), its broker user (SASL/SCRAM) over TLS with the CA
 * it trusts, logging through the app's logger (none: a probe that logs nothing).
 */
export function departmentKafka(
  department: string,
  config: Pick<
    DepartmentConfig,
    'KAFKA_BROKERS' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_CLIENT'
  >,
  logger?: Logger,
): KafkaTransport {
  const sasl = kafkaSasl(config);
  const ssl = kafkaSsl(config);
  return kafkaTransport({
    client: config.KAFKA_CLIENT,
    clientId: `registry-bus-${department}`,
    brokers: config.KAFKA_BROKERS,
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
    ...(logger ? { log: (level, message, extra) => logger[level]({ ...extra }, message) } : {}),
  });
}
