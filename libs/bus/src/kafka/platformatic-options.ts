import type { SASLOptions } from '@platformatic/kafka';

import type { KafkaClientOptions } from '../transport/kafka-transport.js';

/** What every @platformatic/kafka client of the adapter is built with: brokers, SASL, TLS and the retry budget. */
export interface BaseClientOptions {
  clientId: string;
  bootstrapBrokers: string[];
  sasl?: SASLOptions;
  /** TLS with the CA the brokers' certificates are checked against (Node's tls: hostname verified). */
  tls?: { ca: string[] };
  retries: number;
  retryDelay: number;
  connectTimeout: number;
}

export function baseOptionsOf(options: KafkaClientOptions): BaseClientOptions {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    ...(options.sasl
      ? { sasl: { mechanism: 'SCRAM-SHA-512', username: options.sasl.username, password: options.sasl.password } }
      : {}),
    ...(options.ssl ? { tls: { ca: options.ssl.ca } } : {}),
    // The same budget as the kafkajs adapter: a few retries for a moving leader, none for a health check.
    retries: options.failFast ? 0 : 5,
    retryDelay: 250,
    connectTimeout: options.failFast ? 1500 : 3000,
  };
}
