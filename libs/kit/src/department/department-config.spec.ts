import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '@registry-bus/config';

import { loadDepartmentConfig } from './department-config.js';

const env = {
  DATABASE_URL: 'postgres://app@127.0.0.1:5432/land',
  KAFKA_BROKERS: '127.0.0.1:9092',
  KEYS_DIR: '/tmp/keys',
  TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
  TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
  HTTP_DEV_PLAINTEXT: 'true',
  DEPLOYMENT_MODE: 'development',
};

describe('KAFKA_CLIENT in a department configuration', () => {
  it('is platformatic when unset', () => {
    expect(loadDepartmentConfig(env).KAFKA_CLIENT).toBe('platformatic');
  });

  it('takes kafkajs', () => {
    expect(loadDepartmentConfig({ ...env, KAFKA_CLIENT: 'kafkajs' }).KAFKA_CLIENT).toBe('kafkajs');
  });

  it('refuses another client at start-up, naming the variable and the choices', () => {
    const sut = () => loadDepartmentConfig({ ...env, KAFKA_CLIENT: 'confluent' });
    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow('  - KAFKA_CLIENT: must be one of kafkajs, platformatic');
  });
});

/** A self-signed certificate (openssl req -x509, P-256, CN=config test): what the checks read is its form. */
const SELF_SIGNED = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIUK3t3zfNGotgDHAljj4HCp/U7WKcwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLY29uZmlnIHRlc3QwIBcNMjYxMjAzMTQ1MzE4WhgPMjEyNjEx
MDkxNDUzMThaMBYxFDASBgNVBAMMC2NvbmZpZyB0ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEUQKC3lSLtAjLJkejubrv23H3zZmYe1Kl2Fr0U4K1r2tn95ec
hOoeDCo3q2pJsANP4bMwQ90DUoJxEOwU7X618qNTMFEwHQYDVR0OBBYEFOgv6bZk
pOGHC95qtPCCFWk4dpTEMB8GA1UdIwQYMBaAFOgv6bZkpOGHC95qtPCCFWk4dpTE
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgRUTJrUhhrpeqjiHA
CeEhAoVRcb9jcmmKAjs+rxjA1yECIQCzfX8BevixFHVL+ulAcI5HiGh9WxVaX6of
WCnMFDS5vQ==
-----END CERTIFICATE-----
`;

describe('HTTPS in a department configuration (issue #25)', () => {
  const plain = env;
  const { HTTP_DEV_PLAINTEXT: _plaintext, ...bare } = env;
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'https-config-'));
    key = join(dir, 'app.key');
    cert = join(dir, 'app.crt');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // Any PEM certificate will do for the configuration's checks; the key pairing is TLS's to check.
    writeFileSync(cert, SELF_SIGNED);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses plain HTTP unless told so, naming TLS_CERT_FILE and the two ways out', () => {
    const sut = () => loadDepartmentConfig(bare);

    expect(sut).toThrow(
      '  - TLS_CERT_FILE: is required (with TLS_KEY_FILE): the app serves HTTPS. Behind a reverse proxy that ' +
        'terminates TLS, set TRUST_PROXY to its address instead; HTTP_DEV_PLAINTEXT=true serves plain HTTP in development',
    );
  });

  it('serves plain HTTP behind a named proxy or with the development flag', () => {
    expect(loadDepartmentConfig({ ...bare, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(loadDepartmentConfig(plain).HTTP_DEV_PLAINTEXT).toBe(true);
  });

  it('takes a certificate and a key only its owner may read', () => {
    const config = loadDepartmentConfig({ ...bare, TLS_CERT_FILE: cert, TLS_KEY_FILE: key });

    expect([config.TLS_CERT_FILE, config.TLS_KEY_FILE]).toEqual([cert, key]);
  });

  it('wants both files or neither', () => {
    expect(() => loadDepartmentConfig({ ...bare, TLS_CERT_FILE: cert })).toThrow(
      '  - TLS_KEY_FILE: is required when the other TLS_ file is set',
    );
    expect(() => loadDepartmentConfig({ ...bare, TLS_KEY_FILE: key })).toThrow(
      '  - TLS_CERT_FILE: is required when the other TLS_ file is set',
    );
  });

  it('refuses a key file others may read, naming it and its mode', () => {
    const open = join(dir, 'open.key');
    writeFileSync(open, readFileSync(key), { mode: 0o644 });
    chmodSync(open, 0o644);

    expect(() => loadDepartmentConfig({ ...bare, TLS_CERT_FILE: cert, TLS_KEY_FILE: open })).toThrow(
      `  - TLS_KEY_FILE: ${open} holds a secret but its mode is 0644 (others may read or write it): refused`,
    );
  });

  it('refuses files that are not what they are named for', () => {
    expect(() => loadDepartmentConfig({ ...bare, TLS_CERT_FILE: key, TLS_KEY_FILE: key })).toThrow(
      `  - TLS_CERT_FILE: ${key} is not a PEM certificate`,
    );
    expect(() => loadDepartmentConfig({ ...bare, TLS_CERT_FILE: cert, TLS_KEY_FILE: join(dir, 'none.key') })).toThrow(
      `  - TLS_KEY_FILE: cannot read ${join(dir, 'none.key')}: ENOENT`,
    );
    expect(() => loadDepartmentConfig({ ...plain, TLS_CA_FILE: key })).toThrow(
      `  - TLS_CA_FILE: ${key} is not a PEM certificate`,
    );
  });

  it.each(['localhost', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129'])('refuses TRUST_PROXY=%s', (value) => {
    expect(() => loadDepartmentConfig({ ...bare, TRUST_PROXY: value })).toThrow(
      '  - TRUST_PROXY.0: must be IP addresses or CIDR blocks, comma-separated (10.0.0.0/8)',
    );
  });
});

describe('DEPLOYMENT_MODE=production, the default (issue #25)', () => {
  const { DEPLOYMENT_MODE: _mode, HTTP_DEV_PLAINTEXT: _plain, ...common } = env;
  const production = {
    ...common,
    DATABASE_URL: 'postgres://land_app@db.example:5432/land?sslmode=verify-full&sslrootcert=/etc/ca.crt',
    KAFKA_SASL_USERNAME: 'land',
    KAFKA_SASL_PASSWORD: 'secret',
    KAFKA_SSL_CA_FILE: undefined as string | undefined,
    TRUST_PROXY: '10.0.0.0/8',
  };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'production-config-'));
    production.KAFKA_SSL_CA_FILE = join(dir, 'ca.crt');
    writeFileSync(production.KAFKA_SSL_CA_FILE, SELF_SIGNED);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the default, and accepts a verified database, a broker login and no development flag', () => {
    expect(loadDepartmentConfig(production).DEPLOYMENT_MODE).toBe('production');
  });

  it('refuses every development-only setting at once, each on its variable', () => {
    const sut = () =>
      loadDepartmentConfig({
        ...production,
        DATABASE_URL: 'postgres://land_app@db.example:5432/land?sslmode=require',
        DATABASE_MIGRATIONS_URL: 'postgres://owner@db.example:5432/land?sslmode=verify-full',
        HTTP_DEV_PLAINTEXT: 'true',
        KAFKA_DEV_SINGLE_BROKER: 'true',
        KAFKA_SASL_USERNAME: undefined,
        KAFKA_SASL_PASSWORD: undefined,
      });

    expect(sut).toThrow(
      [
        '  - DATABASE_URL: must carry sslmode=verify-full in production: TLS to Postgres with its certificate and ' +
          'name checked (sslrootcert=<file> for a private CA); DEPLOYMENT_MODE=development on a developer machine',
        "  - DATABASE_MIGRATIONS_URL: must not be set in production: the owner's credentials stay out of the " +
          'running app — migrate first (npm run migrate -- <app>, or the entry point with --migrate)',
        '  - KAFKA_DEV_SINGLE_BROKER: is for development only (DEPLOYMENT_MODE=development), refused in production',
        '  - KAFKA_SASL_USERNAME: is required in production: the app logs in to the broker as its own user (with ' +
          'KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE)',
        // The HTTP server's refusals are shared with the portal's configuration, and come after the department's.
        '  - HTTP_DEV_PLAINTEXT: is for development only (DEPLOYMENT_MODE=development), refused in production',
      ].join('\n'),
    );
  });

  it('refuses a database URL without sslmode, the plain default', () => {
    expect(() => loadDepartmentConfig({ ...production, DATABASE_URL: 'postgres://land_app@db.example/land' })).toThrow(
      '  - DATABASE_URL: must carry sslmode=verify-full in production',
    );
  });

  it('takes development settings when told it is development', () => {
    expect(
      loadDepartmentConfig({ ...common, DEPLOYMENT_MODE: 'development', HTTP_DEV_PLAINTEXT: 'true' }).DEPLOYMENT_MODE,
    ).toBe('development');
    expect(() => loadDepartmentConfig({ ...common, DEPLOYMENT_MODE: 'staging' })).toThrow('  - DEPLOYMENT_MODE: ');
  });
});
