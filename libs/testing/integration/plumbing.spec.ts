import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

import { integrationEnvironment } from '@registry-bus/testing';

/**
 * Proves the plumbing every other integration test stands on, against the
 * broker version pinned in KAFKA_VERSION: produce with acks=all, consume in a
 * consumer group, admin calls; a row written and read in a throw-away database.
 */
describe('integration plumbing', () => {
  const sut = integrationEnvironment();

  it('produces to a real topic and consumes it back in a consumer group', async () => {
    const kafka = new Kafka({
      clientId: sut.uniqueName('plumbing'),
      brokers: sut.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const topic = sut.uniqueName('plumbing.topic');
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: sut.uniqueName('plumbing-group') });
    await admin.connect();
    try {
      expect(
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true }),
      ).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      await producer.connect();
      const values = Array.from({ length: 10 }, () => randomUUID());
      await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`received only ${received.length} of ${values.length}`)),
          30_000,
        );
        void consumer.run({
          eachMessage: async ({ message }) => {
            received.push(message.value!.toString());
            if (received.length === values.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      expect(received).toEqual(values);

      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: String(values.length) })]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('fails to produce when no broker is there', async () => {
    const kafka = new Kafka({
      clientId: sut.uniqueName('nobroker'),
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50 },
      connectionTimeout: 500,
    });
    const producer = kafka.producer();
    await expect(producer.connect()).rejects.toThrow();
  });

  it('writes and reads a row in a throw-away database', async () => {
    const url = await sut.createDatabase('plumbing');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE probe (id uuid PRIMARY KEY, note text NOT NULL)');
      const id = randomUUID();
      await client.query('INSERT INTO probe (id, note) VALUES ($1, $2)', [id, 'hello']);
      const { rows } = await client.query('SELECT note, current_database() AS db FROM probe WHERE id = $1', [id]);
      expect(rows).toEqual([{ note: 'hello', db: new URL(url).pathname.slice(1) }]);
      expect(rows[0].db.startsWith(`rbt_${sut.runId}_`)).toBe(true);
    } finally {
      await client.end();
    }
  });
});
