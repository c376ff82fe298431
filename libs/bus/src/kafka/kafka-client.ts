import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** SASL/SCRAM credentials of this department's broker user (DESIGN.md, "Access rights"): absent on an open broker. */
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
  /** Receives kafkajs's own log lines (warnings and errors), for the app's structured logger. */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** One kafkajs client per app, its logs routed to the app's logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.log;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.sasl ? { sasl: options.sasl } : {}),
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
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 5000 },
    connectionTimeout: 3000,
  });
}
