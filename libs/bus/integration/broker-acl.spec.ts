import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  brokerAcls,
  createKafka,
  ensureTopics,
  ledgerTopic,
  syncBrokerAcls,
  type BrokerGrant,
  transportAdminOf,
} from '@registry-bus/bus';
import { KafkaLauncher } from '@registry-bus/testing';
import type { Kafka } from 'kafkajs';

const DEPARTMENTS = ['land', 'credit'];
const password = (user: string) => `${user}-secret-${process.pid}`;

/**
 * The broker's half of access rights, against a real Kafka with SASL/SCRAM
 * and the StandardAuthorizer: an instance of its own (the shared test broker
 * stays open), with a user per department and ACLs derived from grants.
 */
describe('broker-level access rights (SASL/SCRAM users, ACLs from grants)', () => {
  const launcher = new KafkaLauncher({
    dir: mkdtempSync(join(tmpdir(), 'rb-secured-kafka-')),
    security: {
      admin: { username: 'admin', password: password('admin') },
      users: DEPARTMENTS.map((username) => ({ username, password: password(username) })),
    },
  });
  let brokers: string[];
  const client = (user: string, sasl = launcher.saslOf(user)): Kafka =>
    createKafka({ clientId: `acl-test-${user}`, brokers, ...(sasl ? { sasl } : {}), ssl: launcher.clientSsl()! });
  const applyGrants = async (grants: BrokerGrant[]) => {
    const admin = client('admin').admin();
    await admin.connect();
    try {
      return await syncBrokerAcls(
        transportAdminOf(admin),
        DEPARTMENTS,
        brokerAcls({ departments: DEPARTMENTS, grants }),
      );
    } finally {
      await admin.disconnect();
    }
  };
  const produce = async (user: string, topic: string, value: string) => {
    const producer = client(user).producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ value }] });
    } finally {
      await producer.disconnect();
    }
  };
  /**
   * Reads the first record of `topic` as `user` (bounded: 20 s an attempt). A fresh broker may answer the first
   * group join with a retriable error (the coordinator still loading its offsets topic, seen in CI): that one is
   * tried again, up to 5 times; a refusal (not authorized) is not retriable and comes back at once.
   */
  const readFirst = async (user: string, topic: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await readFirstOnce(user, topic);
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || attempt === 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  const readFirstOnce = async (user: string, topic: string): Promise<string> => {
    const consumer = client(user).consumer({ groupId: `registry-bus.${user}.acl-test-${Date.now()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      return await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('nothing read within 20 s')), 20_000);
        consumer.on(consumer.events.CRASH, (event) => {
          clearTimeout(timer);
          reject(event.payload.error);
        });
        void consumer
          .run({
            eachMessage: async ({ message }) => {
              clearTimeout(timer);
              resolve(String(message.value));
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
  };

  beforeAll(async () => {
    brokers = [await launcher.start()];
    await applyGrants([]);
    // Each department creates its own topics, as its app does at start-up.
    for (const department of DEPARTMENTS) {
      const admin = client(department).admin();
      await admin.connect();
      await ensureTopics(transportAdminOf(admin), [
        { topic: ledgerTopic(department), partitions: 1, replicationFactor: 1, retainForever: true },
      ]);
      await admin.disconnect();
    }
    await produce('land', ledgerTopic('land'), 'land entry 1');
  }, 120_000);

  afterAll(() => launcher.stop({ removeData: true }));

  it('lets a department write its own ledger topic and refuses it another department’s', async () => {
    await expect(produce('credit', ledgerTopic('credit'), 'credit entry 1')).resolves.toBeUndefined();
    await expect(produce('credit', ledgerTopic('land'), 'forged land entry')).rejects.toThrow(/not authorized/i);
  });

  it('gives nothing to a client without credentials or with a wrong password', async () => {
    const anonymous = createKafka({ clientId: 'acl-test-anonymous', brokers, ssl: launcher.clientSsl()! }).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect().catch(() => undefined);
    const wrong = client('credit', { mechanism: 'scram-sha-512', username: 'credit', password: 'guessed' }).admin();
    await expect(wrong.connect()).rejects.toThrow(/authentication failed/i);
  });

  it('lets a department read the owner’s ledger only while it holds a grant from it', async () => {
    await expect(readFirst('credit', ledgerTopic('land'))).rejects.toThrow(/not authorized/i);

    expect(await applyGrants([{ owner: 'land', grantee: 'credit' }])).toMatchObject({ created: expect.any(Number) });
    expect(await readFirst('credit', ledgerTopic('land'))).toBe('land entry 1');
    // The grant does not run the other way, and still allows no writes.
    await expect(readFirst('land', ledgerTopic('credit'))).rejects.toThrow(/not authorized/i);
    await expect(produce('credit', ledgerTopic('land'), 'forged land entry')).rejects.toThrow(/not authorized/i);

    const revoked = await applyGrants([]);
    expect(revoked.deleted).toBeGreaterThan(0);
    await expect(readFirst('credit', ledgerTopic('land'))).rejects.toThrow(/not authorized/i);
  });
});
