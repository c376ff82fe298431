import { Kafka, logLevel, type LogEntry } from 'kafkajs';

import type { KafkaClientOptions } from '../transport/kafka-transport.js';

export type { KafkaClientOptions } from '../transport/kafka-transport.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client, its logs routed to the app's logger: what the adapter
 * (kafkajs-transport.ts) is made of; tests and tools use it raw, as a client
 * that owes nothing to the port.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.log;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.sasl ? { sasl: options.sasl } : {}),
    // Hostname verification stays on (kafkajs passes the CA to Node's tls, which checks the name).
    ...(options.ssl ? { ssl: { ca: options.ssl.ca } } : {}),
    logLevel: log ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      // The relay limits producer retries on purpose (a dead broker must fail the send so the relay
      // backs off and releases its cursor lock); delivery is at least once and consumers de-duplicate
      // by seq and hash, so kafkajs's warning about exactly-once is not news to an operator.
      // A fresh broker answers "coordinator is loading" (and the like) for a moment; kafkajs retries
      // those itself, so they are warnings, not errors an operator must act on.
      const retriedByClient = /coordinator is loading|not the correct coordinator|leader not available/i.test(
        String((extra as { error?: unknown }).error ?? ''),
      );
      const level = /Limiting retries for the idempotent producer/.test(String(message))
        ? 'debug'
        : retriedByClient && entry.level === logLevel.ERROR
          ? 'warn'
          : (LEVELS[entry.level] ?? 'info');
      log?.(level, `kafka ${entry.namespace || 'client'}: ${message}`, extra);
    },
    retry: options.failFast ? { retries: 0 } : { initialRetryTime: 100, retries: 5, maxRetryTime: 5000 },
    connectionTimeout: options.failFast ? 1500 : 3000,
  });
}
