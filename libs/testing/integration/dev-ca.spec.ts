import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

import { ensureDevCa } from '../src/dev-ca/dev-ca.js';

describe('ensureDevCa (openssl CLI)', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'rb-devca-')), 'ca');
  const ca = ensureDevCa(dir);
  const broker = ca.issue('kafka-node');

  it('issues a certificate openssl verifies against the CA, for 127.0.0.1 and localhost', () => {
    expect(execFileSync('openssl', ['verify', '-CAfile', ca.caFile, broker.certFile]).toString().trim()).toBe(
      `${broker.certFile}: OK`,
    );
    const cert = new X509Certificate(readFileSync(broker.certFile));
    expect(cert.subject).toBe('CN=kafka-node');
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('10.0.0.1')).toBeUndefined();
    expect(cert.verify(new X509Certificate(readFileSync(ca.caFile)).publicKey)).toBe(true);
  });

  it('keeps private keys 0600 and the directory 0700, and reuses what it made', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(broker.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(broker.keystoreFile).mode & 0o777).toBe(0o600);
    const again = ensureDevCa(dir).issue('kafka-node');
    expect(readFileSync(again.certFile, 'utf8')).toBe(readFileSync(broker.certFile, 'utf8'));
  });

  it('refuses a name that is not a plain host-like name', () => {
    expect(() => ca.issue('../evil')).toThrow("dev CA: certificate name '../evil' must match");
  });
});
