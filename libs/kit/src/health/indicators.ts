import { kafkaTransport, type KafkaClientName, type KafkaClientOptions } from '@registry-bus/bus';
import pg from 'pg';

import type { HealthIndicator } from './health-check.js';

/** Answers when Postgres runs a query. */
export function postgresIndicator(query: () => Promise<unknown>): HealthIndicator {
  return { name: 'postgres', check: async () => void (await query()) };
}

/** A short-lived connection per check, so a broken pool cannot hide a healthy server or the reverse. */
export function postgresUrlIndicator(connectionString: string): HealthIndicator {
  return postgresIndicator(async () => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1500 });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  });
}

/** Answers when a broker returns cluster metadata. */
export function kafkaIndicator(
  brokers: string[],
  sasl?: KafkaClientOptions['sasl'],
  ssl?: KafkaClientOptions['ssl'],
  client: KafkaClientName = 'kafkajs',
): HealthIndicator {
  const kafka = kafkaTransport({
    client,
    clientId: 'registry-bus-health',
    brokers,
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
    failFast: true,
  });
  return {
    name: 'kafka',
    check: async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.cluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
