import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadDepartmentConfig } from '@registry-bus/kit';
import { createDataSource } from '@registry-bus/ledger';
import { ensureDevCa, freePort, startTlsPostgres, type TlsPostgres } from '@registry-bus/testing';

/** Connects as the app does (its data source from DATABASE_URL); the TLS state, or the error that stopped it. */
async function connect(url: string): Promise<string> {
  const dataSource = createDataSource({ url, poolSize: 1 });
  try {
    await dataSource.initialize();
    const [row] = (await dataSource.query(
      'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    )) as Array<{ ssl: boolean; version: string }>;
    return row!.ssl ? `tls ${row!.version}` : 'plain';
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // A server's refusal has a SQLSTATE and says why; a TLS client's refusal has Node's code.
    return code && /^[0-9A-Z]{5}$/.test(code) ? `${code} ${message}` : (code ?? message);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

/**
 * `sslmode=verify-full`, which production requires of DATABASE_URL (issue
 * #25), against a real Postgres that speaks only TLS, with a certificate of a
 * development CA: the app's own connection path encrypts and checks the
 * server, and refuses a server its CA does not vouch for.
 */
describe('the app’s database connection over TLS, verified', () => {
  const caDir = mkdtempSync(join(tmpdir(), 'rb-pgtls-ca-'));
  // Its own folder, owned by the postgres user: not inside a folder only root may enter.
  const serverDir = mkdtempSync(join(tmpdir(), 'rb-pgtls-'));
  const ca = ensureDevCa(join(caDir, 'ca'));
  const other = ensureDevCa(join(caDir, 'other'));
  let postgres: TlsPostgres;

  beforeAll(async () => {
    postgres = startTlsPostgres(serverDir, ca, await freePort());
  });

  afterAll(() => {
    postgres?.stop();
    rmSync(serverDir, { recursive: true, force: true });
    rmSync(caDir, { recursive: true, force: true });
  });

  it('connects with sslmode=verify-full and the CA, encrypted, and production accepts that URL', async () => {
    const url = `${postgres.url}?sslmode=verify-full&sslrootcert=${ca.caFile}`;

    expect(await connect(url)).toMatch(/^tls TLSv1\.3$/);
    expect(
      loadDepartmentConfig({
        DATABASE_URL: url,
        KAFKA_BROKERS: '127.0.0.1:9092',
        KAFKA_SASL_USERNAME: 'land',
        KAFKA_SASL_PASSWORD: 'secret',
        KAFKA_SSL_CA_FILE: ca.caFile,
        TRUST_PROXY: '127.0.0.1',
        KEYS_DIR: '/tmp/keys',
        TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
        TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
      }).DEPLOYMENT_MODE,
    ).toBe('production');
  });

  it('refuses a server whose certificate another CA signed', async () => {
    expect(await connect(`${postgres.url}?sslmode=verify-full&sslrootcert=${other.caFile}`)).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('is refused by the server without TLS', async () => {
    expect(await connect(`${postgres.url}?sslmode=disable`)).toBe(
      '28000 pg_hba.conf rejects connection for host "127.0.0.1", user "postgres", database "postgres", no encryption',
    );
  });
});
