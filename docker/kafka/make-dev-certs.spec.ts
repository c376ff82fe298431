import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The script compose's certs job runs, run here for real: keytool is what the apache/kafka image has, and what
// CI has with its Java. No keytool is a failure, not a skip: the broker's certificates would go unchecked.
const script = join(dirname(fileURLToPath(import.meta.url)), 'make-dev-certs.sh');
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function requireKeytool(): void {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      return statSync(join(dir, 'keytool')).isFile();
    } catch {
      return false;
    }
  });
  if (!onPath)
    throw new Error('keytool is not on PATH: install Java 17+ (apt-get install openjdk-17-jdk-headless) to run these');
}

interface Dirs {
  ca: string;
  caKey: string;
  broker: string;
}

function makeCerts(dirs: Dirs) {
  const run = spawnSync('sh', [script, dirs.ca, dirs.caKey, dirs.broker], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`make-dev-certs.sh exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

const dirsIn = (root: string): Dirs => ({
  ca: join(root, 'ca'),
  caKey: join(root, 'ca-key'),
  broker: join(root, 'broker'),
});

/** The chain in the broker's keystore, leaf first: what Kafka serves. */
function keystoreChain(dirs: Dirs): X509Certificate[] {
  const store = ['-keystore', join(dirs.broker, 'broker.p12'), '-storepass:file', join(dirs.broker, 'broker.password')];
  const listing = execFileSync('keytool', ['-list', '-rfc', '-alias', 'kafka-node', ...store], { encoding: 'utf8' });
  return (listing.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );
}

const caOf = (dirs: Dirs) => new X509Certificate(readFileSync(join(dirs.ca, 'ca.crt')));
const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file's bytes and modification time: what a second run must leave as it was. */
function snapshot(dirs: Dirs): Record<string, string> {
  return Object.fromEntries(
    Object.values(dirs).flatMap((dir) =>
      readdirSync(dir).map((name) => {
        const path = join(dir, name);
        return [path, `${statSync(path).mtimeMs} ${readFileSync(path).toString('base64')}`];
      }),
    ),
  );
}

describe('docker/kafka/make-dev-certs.sh', () => {
  let root: string;
  let dirs: Dirs;
  let firstRun: string;

  beforeAll(() => {
    requireKeytool();
    root = mkdtempSync(join(tmpdir(), 'dev-certs-'));
    dirs = dirsIn(join(root, 'made'));
    firstRun = makeCerts(dirs);
  }, 120_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('makes a self-signed CA certificate', () => {
    const ca = caOf(dirs);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=registry-bus compose development CA');
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(firstRun).toContain('made a development CA');
  });

  it("gives the broker a certificate signed by that CA, with the node principal's name", () => {
    const ca = caOf(dirs);
    const [sut, issuer, ...rest] = keystoreChain(dirs);
    expect(rest).toEqual([]);
    expect(sut!.subject).toBe('CN=kafka-node');
    expect(sut!.ca).toBe(false);
    expect(sut!.checkIssued(ca)).toBe(true);
    expect(sut!.verify(ca.publicKey)).toBe(true);
    expect(issuer!.raw.equals(ca.raw)).toBe(true);
    expect(new X509Certificate(readFileSync(join(dirs.broker, 'broker.crt'))).raw.equals(sut!.raw)).toBe(true);
  });

  it('names the broker as the apps dial it (kafka) and as its health check does (localhost, 127.0.0.1)', () => {
    const [sut] = keystoreChain(dirs);
    expect(sut!.subjectAltName).toBe('DNS:kafka, DNS:localhost, IP Address:127.0.0.1');
    expect(sut!.checkHost('kafka')).toBe('kafka');
    expect(sut!.checkHost('localhost')).toBe('localhost');
    expect(sut!.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(sut!.checkHost('postgres')).toBeUndefined();
  });

  it("serves TLS and is a client certificate too, for the broker's calls to its controller", () => {
    const [sut] = keystoreChain(dirs);
    expect(sut!.keyUsage).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
  });

  it("keeps the CA's key out of the folders the apps and the broker mount", () => {
    expect(readdirSync(dirs.ca)).toEqual(['ca.crt']);
    expect(readdirSync(dirs.broker).sort()).toEqual(['broker.crt', 'broker.p12', 'broker.password']);
    expect(readdirSync(dirs.caKey).sort()).toEqual(['ca.p12', 'ca.password']);
  });

  it('makes the keys readable by their owner alone and the CA certificate by anyone', () => {
    expect(mode(dirs.caKey)).toBe(0o700);
    expect(mode(dirs.broker)).toBe(0o700);
    for (const file of ['ca.p12', 'ca.password']) expect(mode(join(dirs.caKey, file))).toBe(0o600);
    for (const file of ['broker.p12', 'broker.password']) expect(mode(join(dirs.broker, file))).toBe(0o600);
    expect(mode(dirs.ca)).toBe(0o755);
    expect(mode(join(dirs.ca, 'ca.crt'))).toBe(0o644);
  });

  it('replaces nothing when run again', () => {
    const before = snapshot(dirs);
    const sut = makeCerts(dirs);
    expect(snapshot(dirs)).toEqual(before);
    expect(sut).toBe('make-dev-certs: done\n');
  });

  it("makes the broker's certificate again under the same CA when its keystore is gone", () => {
    const again = dirsIn(join(root, 'broker-gone'));
    cpSync(join(root, 'made'), join(root, 'broker-gone'), { recursive: true });
    rmSync(join(again.broker, 'broker.p12'));
    const caBefore = readFileSync(join(again.ca, 'ca.crt'));
    makeCerts(again);
    expect(readFileSync(join(again.ca, 'ca.crt')).equals(caBefore)).toBe(true);
    const [sut] = keystoreChain(again);
    expect(sut!.verify(caOf(again).publicKey)).toBe(true);
    expect(sut!.raw.equals(keystoreChain(dirs)[0]!.raw)).toBe(false);
  }, 60_000);

  it('makes a new broker certificate with a new CA, since one of the lost CA would match no ca.crt', () => {
    const again = dirsIn(join(root, 'ca-gone'));
    cpSync(join(root, 'made'), join(root, 'ca-gone'), { recursive: true });
    rmSync(join(again.caKey, 'ca.p12'));
    const sut = makeCerts(again);
    expect(sut).toContain('a new CA: restart kafka and the apps');
    expect(caOf(again).raw.equals(caOf(dirs).raw)).toBe(false);
    expect(keystoreChain(again)[0]!.verify(caOf(again).publicKey)).toBe(true);
  }, 60_000);

  it('refuses to run without its three folders', () => {
    const sut = spawnSync('sh', [script, join(root, 'only-one')], { encoding: 'utf8' });
    expect(sut.status).toBe(64);
    expect(sut.stderr).toContain('usage: make-dev-certs.sh <ca-dir> <ca-key-dir> <broker-dir>');
  });
});
