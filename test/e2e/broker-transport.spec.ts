import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createKafka } from '@registry-bus/bus';
import { KafkaLauncher, ensureDevCa } from '@registry-bus/testing';

import { DepartmentStack } from './department-stack.js';

const secret = (user: string) => `${user}-${process.pid}-transport`;

/**
 * The broker as a client on the same network finds it (issue #25): TLS on
 * every port, SCRAM on the client listener, client certificates on the
 * controller listener, no ANONYMOUS principal anywhere, and its secrets its
 * owner's only. Raw kafkajs clients, not the app's port: the broker must
 * refuse them by itself.
 */
describe('a locked broker transport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-transport-'));
  const launcher = new KafkaLauncher({
    dir,
    security: {
      admin: { username: 'admin', password: secret('admin') },
      users: [{ username: 'land', password: secret('land') }],
    },
  });
  /** A CA the broker's certificate was not signed by. */
  const stranger = ensureDevCa(join(mkdtempSync(join(tmpdir(), 'rb-stranger-ca-')), 'ca'));
  const quick = { retry: { retries: 0 }, connectionTimeout: 3000 } as const;
  const admin = (options: Parameters<typeof createKafka>[0] & { ssl?: unknown }) => createKafka(options).admin();
  const refused = async (client: ReturnType<typeof admin>) => {
    try {
      await client.connect();
      return await client
        .listTopics()
        .then((topics) => `listed ${topics.length} topics`)
        .catch((error: Error) => `refused: ${error.message}`);
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  };

  beforeAll(async () => {
    await launcher.start();
  }, 120_000);

  afterAll(() => launcher.stop({ removeData: true }));

  it('keeps its folder 0700 and server.properties (the admin password) 0600', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'server.properties')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'server.properties'), 'utf8')).not.toMatch(/ANONYMOUS/);
  });

  it('the client port: nothing without credentials, nothing over plaintext, nothing without trusting the CA', async () => {
    const ca = launcher.clientSsl()!;
    const brokers = [launcher.brokers];
    // TLS, trusted, but no SASL: the broker expects a SASL handshake and gives no metadata.
    expect(await refused(admin({ clientId: 'no-credentials', brokers, ...quick, ssl: ca } as never))).toMatch(
      /^refused/,
    );
    // The right password, but SASL over plaintext: no TLS, no answer.
    expect(
      await refused(admin({ clientId: 'plaintext', brokers, sasl: launcher.saslOf('land'), ...quick } as never)),
    ).toMatch(/^refused/);
    // The right password over TLS to a broker it cannot authenticate: refused before a password is sent.
    expect(
      await refused(
        admin({
          clientId: 'untrusting',
          brokers,
          sasl: launcher.saslOf('land'),
          ssl: { ca: [readFileSync(stranger.caFile, 'utf8')] },
          ...quick,
        } as never),
      ),
    ).toMatch(/refused: .*(self.signed|unable to verify|certificate)/i);
    // And the same client trusting the CA gets in: the refusals above are about TLS and credentials, not the port.
    expect(
      await refused(admin({ clientId: 'land', brokers, sasl: launcher.saslOf('land'), ssl: ca, ...quick } as never)),
    ).toMatch(/^listed/);
  });

  it('the controller port: no client certificate, no connection — ANONYMOUS is no one here', async () => {
    const brokers = [launcher.controller];
    expect(
      await refused(admin({ clientId: 'anonymous-tls', brokers, ssl: launcher.clientSsl()!, ...quick } as never)),
    ).toMatch(/^refused/);
    expect(await refused(admin({ clientId: 'anonymous-plain', brokers, ...quick } as never))).toMatch(/^refused/);
  });

  it('an app configured with the wrong CA refuses to start, naming KAFKA_SSL_CA_FILE and the broker', async () => {
    const stack = new DepartmentStack();
    try {
      await expect(
        stack.start(['land'], {
          KAFKA_BROKERS: launcher.brokers,
          KAFKA_SASL_USERNAME: 'land',
          KAFKA_SASL_PASSWORD: secret('land'),
          KAFKA_SSL_CA_FILE: stranger.caFile,
        }),
      ).rejects.toThrow(
        new RegExp(
          `cannot reach Kafka at ${launcher.brokers.replace(/\./g, '\\.')} \\(KAFKA_BROKERS\\): .*; is KAFKA_SSL_CA_FILE \\(${stranger.caFile.replace(/[./]/g, '\\$&')}\\) the CA`,
        ),
      );
    } finally {
      await stack.stop();
    }
  }, 120_000);

  it('an app with SASL credentials but no CA is refused at start-up: a password never crosses in clear', async () => {
    const stack = new DepartmentStack();
    try {
      await expect(
        stack.start(['land'], {
          KAFKA_BROKERS: launcher.brokers,
          KAFKA_SASL_USERNAME: 'land',
          KAFKA_SASL_PASSWORD: secret('land'),
        }),
      ).rejects.toThrow(/KAFKA_SSL_CA_FILE: is required with KAFKA_SASL_USERNAME/);
    } finally {
      await stack.stop();
    }
  });
});
