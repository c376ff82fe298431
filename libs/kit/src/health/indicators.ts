import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
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
export function kafkaIndicator(brokers: string[], sasl?: SASLOptions): HealthIndicator {
  const kafka = new Kafka({
    clientId: 'registry-bus-health',
    brokers,
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1500,
  });
  return {
    name: 'kafka',
    check: async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
