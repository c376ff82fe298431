import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  CompressionTypes,
  Kafka,
  ResourcePatternTypes,
  logLevel,
} from 'kafkajs';

import {
  KafkaLauncher,
  dumpEveryTopicRaw,
  freePort,
  plaintextOccurrences,
  rawReaderOptionsOf,
  readEveryTopicRaw,
  type RawDump,
  type RawRecord,
} from '@registry-bus/testing';

const secret = (user: string) => `${user}-${process.pid}-secret`;
// The broker is this file's own: fixed topic names cannot meet another run's.
const PEOPLE = 'registry.people';
const AUDIT = 'registry.audit';
const T0 = 1_700_000_000_000;
// A header name RawTopicDump must escape in its JSON: quote, backslash, a control character, non-ASCII.
const ODD_HEADER = 'quote"back\\slash\ttab é ნ';

/**
 * Issue #28: what a demo run leaves on the broker is read back raw by Apache
 * Kafka's own Java client as the broker admin, so the check that no personal
 * identifier travels in plaintext does not rest on the kafkajs code that
 * wrote the records.
 */
describe('readEveryTopicRaw (Kafka Java client) on a broker with SASL/SCRAM, TLS and ACLs', () => {
  const launcher = new KafkaLauncher({
    dir: mkdtempSync(join(tmpdir(), 'rb-raw-topics-')),
    security: {
      admin: { username: 'admin', password: secret('admin') },
      // stranger: no ACL at all; describer: may describe the people topic, not read it.
      users: ['stranger', 'describer'].map((username) => ({ username, password: secret(username) })),
    },
  });
  let adminDump: Promise<RawDump> | undefined;
  const readAsAdmin = () => (adminDump ??= dumpEveryTopicRaw(rawReaderOptionsOf(launcher, 'admin')));

  beforeAll(async () => {
    await launcher.start();
    const kafka = new Kafka({
      clientId: 'raw-topics-writer',
      brokers: [launcher.brokers],
      sasl: launcher.saslOf('admin'),
      ssl: launcher.clientSsl()!,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await admin.connect();
    await producer.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: PEOPLE, numPartitions: 2, replicationFactor: 1 },
          { topic: AUDIT, numPartitions: 1, replicationFactor: 1 },
        ],
        waitForLeaders: true,
      });
      await producer.send({
        topic: PEOPLE,
        acks: -1,
        messages: [
          {
            partition: 0,
            key: 'parcel:KT-1',
            value: '{"owner":"person:0142","area":"800.00"}',
            headers: { 'content-type': 'application/json', tag: ['first', 'second'] },
            timestamp: String(T0),
          },
          {
            partition: 0,
            key: 'parcel:KT-2',
            value: '{"owner":"sealed:8f3a"}',
            headers: { 'content-type': 'application/json' },
            timestamp: String(T0 + 1),
          },
          {
            partition: 1,
            key: null,
            value: Buffer.from([0x00, 0x01, 0xfe, 0xff]),
            headers: { 'x-bin': Buffer.from([0xff, 0x00]), [ODD_HEADER]: 'ნინო' },
            timestamp: String(T0 + 2),
          },
        ],
      });
      // Compressed on the wire and in the log: the Java client has to inflate it.
      await producer.send({
        topic: AUDIT,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'audit:1', value: 'transfer recorded', headers: { actor: 'clerk:7' }, timestamp: String(T0 + 3) },
          { key: 'audit:2', value: null, timestamp: String(T0 + 4) },
        ],
      });
      const describeOnly = {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: PEOPLE,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:describer',
        host: '*',
        operation: AclOperationTypes.DESCRIBE,
        permissionType: AclPermissionTypes.ALLOW,
      };
      await admin.createAcls({ acl: [describeOnly] });
      // The authorizer learns ACLs from the metadata log: wait until the broker answers with it.
      for (let i = 0; i < 100; i++) {
        const { resources } = await admin.describeAcls({ ...describeOnly, resourceName: PEOPLE });
        if (resources.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 180_000);

  afterAll(async () => {
    await launcher.stop({ removeData: true });
  });

  it('returns, as the admin, exactly the records produced: keys, values, headers, offsets and timestamps', async () => {
    const record = (topic: string, partition: number, offset: number, fields: Partial<RawRecord>): RawRecord => ({
      topic,
      partition,
      offset,
      timestamp: T0,
      timestampType: 'CreateTime',
      key: null,
      value: null,
      headers: [],
      ...fields,
    });

    const sut = await readAsAdmin();

    expect(sut.topics).toEqual([
      { topic: AUDIT, partitions: 1, endOffsets: [2] },
      { topic: PEOPLE, partitions: 2, endOffsets: [2, 1] },
    ]);
    expect(sut.records).toEqual([
      record(AUDIT, 0, 0, {
        timestamp: T0 + 3,
        key: Buffer.from('audit:1'),
        value: Buffer.from('transfer recorded'),
        headers: [['actor', Buffer.from('clerk:7')]],
      }),
      record(AUDIT, 0, 1, { timestamp: T0 + 4, key: Buffer.from('audit:2') }),
      record(PEOPLE, 0, 0, {
        key: Buffer.from('parcel:KT-1'),
        value: Buffer.from('{"owner":"person:0142","area":"800.00"}'),
        headers: [
          ['content-type', Buffer.from('application/json')],
          ['tag', Buffer.from('first')],
          ['tag', Buffer.from('second')],
        ],
      }),
      record(PEOPLE, 0, 1, {
        timestamp: T0 + 1,
        key: Buffer.from('parcel:KT-2'),
        value: Buffer.from('{"owner":"sealed:8f3a"}'),
        headers: [['content-type', Buffer.from('application/json')]],
      }),
      record(PEOPLE, 1, 0, {
        timestamp: T0 + 2,
        value: Buffer.from([0x00, 0x01, 0xfe, 0xff]),
        headers: [
          ['x-bin', Buffer.from([0xff, 0x00])],
          [ODD_HEADER, Buffer.from('ნინო')],
        ],
      }),
    ]);
  });

  it('readEveryTopicRaw gives the same records, and plaintextOccurrences finds person:0142 where it was put only', async () => {
    const sut = await readEveryTopicRaw(rawReaderOptionsOf(launcher, 'admin'));

    expect(sut).toEqual((await readAsAdmin()).records);
    expect(plaintextOccurrences(sut, ['person:0142', 'clerk:7', 'person:0143', 'ნინო'])).toEqual([
      { needle: 'clerk:7', topic: AUDIT, partition: 0, offset: 0, part: 'header value', header: 'actor' },
      { needle: 'person:0142', topic: PEOPLE, partition: 0, offset: 0, part: 'value' },
      { needle: 'ნინო', topic: PEOPLE, partition: 1, offset: 0, part: 'header value', header: ODD_HEADER },
    ]);
  });

  it('fails on a wrong password, saying authentication failed', async () => {
    const options = { ...rawReaderOptionsOf(launcher, 'admin'), sasl: { username: 'admin', password: 'wrong' } };

    await expect(readEveryTopicRaw(options)).rejects.toMatchObject({
      name: 'RawTopicDumpError',
      failure: 'authentication',
      message:
        'raw-topic-dump: authentication failed: SaslAuthenticationException: Authentication failed during ' +
        'authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 ' +
        `(while listing topics of ${launcher.brokers}) (exit 2)`,
    });
  });

  it('shows a user without any ACL no topic at all (the broker leaves unauthorized topics out of its answer)', async () => {
    const sut = await dumpEveryTopicRaw(rawReaderOptionsOf(launcher, 'stranger'));

    expect({ topics: sut.topics, records: sut.records }).toEqual({ topics: [], records: [] });
  });

  it('refuses a user who may describe a topic but not read it, naming the topic', async () => {
    await expect(readEveryTopicRaw(rawReaderOptionsOf(launcher, 'describer'))).rejects.toMatchObject({
      name: 'RawTopicDumpError',
      failure: 'authorization',
      message:
        `raw-topic-dump: not authorized: TopicAuthorizationException: Not authorized to access topics: [${PEOPLE}] ` +
        `(while reading records of ${launcher.brokers}) (exit 4)`,
    });
  });

  it('gives up at its timeout when no broker answers', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;

    await expect(readEveryTopicRaw({ brokers: [nobody], timeoutMs: 3000 })).rejects.toMatchObject({
      name: 'RawTopicDumpError',
      failure: 'timeout',
      message: `raw-topic-dump: timed out after 3000 ms: TimeoutException (while listing topics of ${nobody}) (exit 3)`,
    });
  });
});
