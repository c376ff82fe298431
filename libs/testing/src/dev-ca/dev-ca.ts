import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A development certificate authority made with the openssl CLI (nothing is
 * downloaded): one CA and, per name asked for, a server/client certificate
 * signed by it with the SANs every local hop dials (IP:127.0.0.1,
 * DNS:localhost), so hostname verification stays on everywhere. Private keys
 * are 0600 and the directory 0700: a development CA is still a CA.
 */
export interface DevCa {
  dir: string;
  /** The CA certificate (PEM) every client trusts. */
  caFile: string;
  /** A certificate for `name` (its CN, also the Kafka principal of a client certificate), made once. */
  issue(name: string): DevCertificate;
}

export interface DevCertificate {
  name: string;
  certFile: string;
  keyFile: string;
  /** Key then certificate in one PEM file, the form Kafka's `ssl.keystore.type=PEM` reads. */
  keystoreFile: string;
}

const NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

export function ensureDevCa(dir: string, options: { days?: number } = {}): DevCa {
  const days = String(options.days ?? 825);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  if (!existsSync(caFile) || !existsSync(caKey)) {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', caKey]);
    chmodSync(caKey, 0o600);
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      caKey,
      '-sha256',
      '-days',
      days,
      '-subj',
      '/CN=registry-bus development CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      caFile,
    ]);
  }
  return {
    dir,
    caFile,
    issue(name: string): DevCertificate {
      if (!NAME.test(name)) throw new Error(`dev CA: certificate name '${name}' must match ${NAME}`);
      const keyFile = join(dir, `${name}.key`);
      const certFile = join(dir, `${name}.crt`);
      const keystoreFile = join(dir, `${name}.keystore.pem`);
      if (!existsSync(certFile) || !existsSync(keyFile) || !existsSync(keystoreFile)) {
        openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile]);
        chmodSync(keyFile, 0o600);
        const csr = join(dir, `${name}.csr`);
        openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${name}`, '-out', csr]);
        const ext = join(dir, `${name}.ext`);
        writeFileSync(
          ext,
          [
            'basicConstraints=critical,CA:FALSE',
            'keyUsage=critical,digitalSignature,keyEncipherment',
            'extendedKeyUsage=serverAuth,clientAuth',
            'subjectAltName=IP:127.0.0.1,DNS:localhost',
            '',
          ].join('\n'),
        );
        openssl([
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          caFile,
          '-CAkey',
          caKey,
          '-CAcreateserial',
          '-sha256',
          '-days',
          days,
          '-extfile',
          ext,
          '-out',
          certFile,
        ]);
        writeFileSync(keystoreFile, readFileSync(keyFile, 'utf8') + readFileSync(certFile, 'utf8'), { mode: 0o600 });
        chmodSync(keystoreFile, 0o600);
      }
      return { name, certFile, keyFile, keystoreFile };
    },
  };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`dev CA: openssl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}
