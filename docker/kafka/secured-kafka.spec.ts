import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The script runs for real under sh, with a stand-in Kafka whose tools only record how they were called: what
// reaches the broker is the properties file it writes.
const script = join(dirname(fileURLToPath(import.meta.url)), 'secured-kafka.sh');

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'secured-kafka-'));
  mkdirSync(join(work, 'kafka/bin'), { recursive: true });
  for (const tool of ['kafka-storage.sh', 'kafka-server-start.sh']) {
    writeFileSync(join(work, 'kafka/bin', tool), `#!/bin/sh\nprintf '%s\\n' "$@" > "${work}/${tool}.args"\n`);
    chmodSync(join(work, 'kafka/bin', tool), 0o755);
  }
  mkdirSync(join(work, 'tls'));
  writeFileSync(join(work, 'tls/broker.p12'), 'keystore');
  writeFileSync(join(work, 'tls/broker.password'), 'keystore-password');
  writeFileSync(join(work, 'tls/ca.crt'), 'ca');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function runScript(overrides: Record<string, string> = {}) {
  return spawnSync('sh', [script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      KAFKA_HOME: join(work, 'kafka'),
      KAFKA_DATA_DIR: join(work, 'data'),
      KAFKA_CONFIG_FILE: join(work, 'server.properties'),
      KAFKA_ADMIN_CLIENT_FILE: join(work, 'admin-client.properties'),
      KAFKA_KEYSTORE_FILE: join(work, 'tls/broker.p12'),
      KAFKA_KEYSTORE_PASSWORD_FILE: join(work, 'tls/broker.password'),
      KAFKA_CA_FILE: join(work, 'tls/ca.crt'),
      KAFKA_ADMIN_PASSWORD: 'admin-password',
      KAFKA_USERS: 'notary:notary-password,land:land-password',
      KAFKA_CLUSTER_ID: '-L6g3nShT-eMCtK--X86sw',
      ...overrides,
    },
  });
}

function properties(file: string): Record<string, string> {
  const lines = readFileSync(join(work, file), 'utf8').split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('docker/kafka/secured-kafka.sh', () => {
  it('serves clients on SASL_SSL with the keystore of make-dev-certs.sh, and replicates on SASL_SSL', () => {
    const sut = runScript();
    expect(sut.status).toBe(0);
    expect(properties('server.properties')).toMatchObject({
      listeners: 'SASL_SSL://0.0.0.0:9092,CONTROLLER://localhost:9093',
      'advertised.listeners': 'SASL_SSL://kafka:9092',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-password";',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': join(work, 'tls/broker.p12'),
      'ssl.keystore.password': 'keystore-password',
      'ssl.key.password': 'keystore-password',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': join(work, 'tls/ca.crt'),
      'ssl.endpoint.identification.algorithm': 'https',
    });
  });

  // The values of libs/testing/src/kafka-launcher/listener-properties.ts, which the secured tests prove.
  it('keeps the controller to holders of a node certificate and names no ANONYMOUS super user, as the launcher does', () => {
    runScript();
    const server = properties('server.properties');
    expect(server).toMatchObject({
      'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SSL',
      'controller.listener.names': 'CONTROLLER',
      'listener.name.controller.ssl.client.auth': 'required',
      'ssl.principal.mapping.rules': 'RULE:^CN=([a-z0-9.-]+)$/$1/,DEFAULT',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin;User:kafka-node',
      'allow.everyone.if.no.acl.found': 'false',
    });
    expect(readFileSync(join(work, 'server.properties'), 'utf8')).not.toMatch(/ANONYMOUS|PLAINTEXT/);
  });

  it("gives the health check the admin's SASL_SSL settings, trusting the CA", () => {
    runScript();
    expect(properties('admin-client.properties')).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': join(work, 'tls/ca.crt'),
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-password";',
    });
  });

  it('writes both files, which hold passwords, for its own user alone', () => {
    runScript();
    expect(statSync(join(work, 'server.properties')).mode & 0o777).toBe(0o600);
    expect(statSync(join(work, 'admin-client.properties')).mode & 0o777).toBe(0o600);
  });

  it('formats the storage with the admin and every user on the first start, then starts the broker', () => {
    runScript();
    expect(readFileSync(join(work, 'kafka-storage.sh.args'), 'utf8').split('\n').filter(Boolean)).toEqual([
      'format',
      '--cluster-id=-L6g3nShT-eMCtK--X86sw',
      '-c',
      join(work, 'server.properties'),
      '--ignore-formatted',
      '--add-scram',
      'SCRAM-SHA-512=[name=admin,password=admin-password]',
      '--add-scram',
      'SCRAM-SHA-512=[name=notary,password=notary-password]',
      '--add-scram',
      'SCRAM-SHA-512=[name=land,password=land-password]',
    ]);
    expect(readFileSync(join(work, 'kafka-server-start.sh.args'), 'utf8')).toBe(`${join(work, 'server.properties')}\n`);
  });

  it.each(['KAFKA_KEYSTORE_FILE', 'KAFKA_KEYSTORE_PASSWORD_FILE', 'KAFKA_CA_FILE'])(
    'refuses to start without the file %s names, pointing at the certs job',
    (variable) => {
      const sut = runScript({ [variable]: join(work, 'tls/missing') });
      expect(sut.status).toBe(66);
      expect(sut.stderr).toContain(
        `secured-kafka: cannot read ${join(work, 'tls/missing')}: make it with make-dev-certs.sh (compose's certs job)`,
      );
      expect(() => statSync(join(work, 'kafka-server-start.sh.args'))).toThrow();
    },
  );
});
