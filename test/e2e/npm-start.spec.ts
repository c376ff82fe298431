import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { isPortOpen } from '@registry-bus/testing';
import pg from 'pg';

import { tlsProbe } from './tls-probe.js';

const APPS = ['notary', 'land-registry', 'diploma-registry', 'court-registry', 'credit-registry', 'bond-registry'];
/** The public portal's app, on the port after the departments'. */
const PORTAL = 'portal-server';

/** The development OpenID provider, on the port after the portal's. */
const IDENTITY_PROVIDER = 7;

/** Eight consecutive ports nobody listens on (the apps, the portal, the provider), in a range no other test asks for. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 41_000 + Math.floor(Math.random() * 400) * 10;
    const open = await Promise.all([...APPS, PORTAL, 'identity'].map((_, i) => isPortOpen(base + i)));
    if (!open.some(Boolean)) return base;
  }
  throw new Error('no eight free consecutive ports in 41000–45000');
}

/** `GET url` with a bearer token, trusting exactly `ca`: the status and the body. */
function getWithToken(url: string, token: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { ca: [ca], headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
    request.end();
  });
}

/** The environment of the running process whose command line names `script` and whose PORT is `port` (Linux /proc). */
function environmentOf(script: string, port: number): Map<string, string> | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script)) continue;
      const variables = new Map(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as [string, string]),
      );
      if (variables.get('PORT') === String(port)) return variables;
    } catch {
      // A process that ended meanwhile, or one of another user.
    }
  }
  return undefined;
}

/**
 * `npm start` itself, as a newcomer runs it (issue #22: a healthy start says
 * nothing alarming; #25: every app on HTTPS with the development CA) — in a
 * folder and on ports of its own, so a developer's own stack is untouched —
 * then Ctrl-C and `npm run reset`.
 */
describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-npm-start-'));
  const local = join(dir, 'local');
  let base: number;
  let env: NodeJS.ProcessEnv;
  let stack: ChildProcess | undefined;
  let output = '';

  const stopped = () =>
    new Promise<number | null>((resolve) => {
      if (!stack || stack.exitCode !== null) return resolve(stack?.exitCode ?? null);
      stack.once('exit', (code) => resolve(code));
    });

  beforeAll(async () => {
    base = await freePortBase();
    env = { ...process.env, REGISTRY_BUS_LOCAL_DIR: local, REGISTRY_BUS_PORT_BASE: String(base), LOG_LEVEL: 'info' };
    delete env.KAFKA_BROKERS;
    stack = spawn(
      process.execPath,
      ['--import', './scripts/ts-loader/register.js', 'scripts/start/start.ts', '--no-demo'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    stack.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 300_000;
    while (!output.includes('press Ctrl-C to stop')) {
      if (stack.exitCode !== null) throw new Error(`npm start exited with ${stack.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up within 5 minutes:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A few seconds of running: the first anchors, the followed-ledgers watch, the broker steward.
    await new Promise((resolve) => setTimeout(resolve, 8000));
  }, 330_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      stack.kill('SIGINT');
      await Promise.race([stopped(), new Promise((resolve) => setTimeout(resolve, 60_000))]);
      if (stack.exitCode === null) stack.kill('SIGKILL');
    }
    spawnSync(process.execPath, ['--import', './scripts/ts-loader/register.js', 'scripts/start/reset.ts'], {
      env,
      timeout: 60_000,
    });
    rmSync(dir, { recursive: true, force: true });
  }, 150_000);

  it('names every app at its https:// address', () => {
    for (const [i, app] of APPS.entries())
      expect(output).toMatch(
        new RegExp(`^  ${app} +https://127\\.0\\.0\\.1:${base + i}  health: \\{"status":"ok"`, 'm'),
      );
  });

  it('runs the public portal as an app of its own, whose environment holds no password, key or database', async () => {
    expect(output).toMatch(
      new RegExp(`^  ${PORTAL} +https://127\\.0\\.0\\.1:${base + 6}  health: \\{"status":"ok"`, 'm'),
    );
    expect(output).toContain(`  portal     https://127.0.0.1:${base + 6}/portal/ `);
    const ca = readFileSync(join(local, 'ca', 'ca.crt'), 'utf8');
    expect(await tlsProbe(`https://127.0.0.1:${base + 6}/portal/`, { ca: [ca] })).toBe('200');
    // The notary serves no page any more: the public's requests never reach the process holding its key.
    expect(await tlsProbe(`https://127.0.0.1:${base}/portal/`, { ca: [ca] })).toBe('404');

    const portal = environmentOf(`apps/${PORTAL}/src/main.ts`, base + 6);
    expect(portal).toBeDefined();
    // Its own few variables, and nothing of the stack's process (REGISTRY_BUS_LOCAL_DIR is set there).
    expect(portal!.has('REGISTRY_BUS_LOCAL_DIR')).toBe(false);
    for (const secret of ['DATABASE_URL', 'DATABASE_MIGRATIONS_URL', 'KAFKA_SASL_PASSWORD', 'KEYS_DIR'])
      expect([secret, portal!.has(secret)]).toEqual([secret, false]);
    // As bytes: none of the stack's passwords appears anywhere in it.
    const identity = JSON.parse(readFileSync(join(local, 'stack.json'), 'utf8')) as {
      appPasswords: Record<string, string>;
      kafkaPasswords: Record<string, string>;
    };
    const environ = [...portal!.entries()].map(([name, value]) => `${name}=${value}`).join('\n');
    const passwords = [...Object.values(identity.appPasswords), ...Object.values(identity.kafkaPasswords)];
    expect(passwords.filter((password) => environ.includes(password))).toEqual([]);
    // The notary's own process does hold them: the check above is not blind.
    const notary = [...(environmentOf('apps/notary/src/main.ts', base)?.values() ?? [])].join('\n');
    expect(passwords.some((password) => notary.includes(password))).toBe(true);
  });

  it('serves HTTPS a client trusting the development CA accepts, and a client without it refuses', async () => {
    const ca = readFileSync(join(local, 'ca', 'ca.crt'), 'utf8');
    const other = readFileSync(join(local, 'kafka', 'ca', 'ca.crt'), 'utf8');

    expect(await tlsProbe(`https://127.0.0.1:${base + 1}/v1/ledger/head`, { ca: [ca] })).toBe('200');
    expect(await tlsProbe(`https://127.0.0.1:${base + 1}/v1/ledger/head`, { ca: [other] })).toBe(
      'SELF_SIGNED_CERT_IN_CHAIN',
    );
  });

  it('keeps its secrets its own: stack.json, the CA and app keys 0600, the CA folder 0700', () => {
    const mode = (file: string) => (statSync(join(local, file)).mode & 0o777).toString(8);

    expect([mode('stack.json'), mode('ca'), mode('ca/ca.key'), mode('ca/apps.key')]).toEqual([
      '600',
      '700',
      '600',
      '600',
    ]);
    const identity = JSON.parse(readFileSync(join(local, 'stack.json'), 'utf8')) as {
      appPasswords: Record<string, string>;
    };
    expect(Object.keys(identity.appPasswords).sort()).toEqual([...APPS].sort());
    expect(new Set(Object.values(identity.appPasswords)).size).toBe(APPS.length);
  });

  it('runs the development OpenID provider, whose tokens (npm run login, code + PKCE) every register takes', async () => {
    const issuer = `https://127.0.0.1:${base + IDENTITY_PROVIDER}`;
    expect(output).toContain(`  sign-in    ${issuer} (OpenID provider; a token: npm run login -- dev-land-clerk,`);
    const ca = readFileSync(join(local, 'ca', 'ca.crt'), 'utf8');
    const login = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', './scripts/ts-loader/register.js', 'scripts/start/login.ts', ...args],
        { env, timeout: 60_000 },
      );
    const { stdout } = await login('dev-land-auditor', '--no-mfa');
    const token = stdout.trim();
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({
      iss: issuer,
      aud: 'urn:registry-bus:land',
      sub: 'dev-land-auditor',
      roles: ['auditor'],
    });
    const reads = await getWithToken(`https://127.0.0.1:${base + 1}/v1/audit/reads?subject=NONE-1`, token, ca);
    expect([reads.status, JSON.parse(reads.body)]).toEqual([200, { subject: 'NONE-1', reads: [], next: null }]);
    // A land token is not the credit register's: its audience is the land register.
    expect((await getWithToken(`https://127.0.0.1:${base + 4}/v1/audit/reads?subject=NONE-1`, token, ca)).status).toBe(
      401,
    );
    await expect(login('somebody')).rejects.toMatchObject({ code: 64 });
  }, 90_000);

  it('puts the development tokens it issued on each register’s audit record, and each is an entry of its ledger', async () => {
    const tokens = JSON.parse(readFileSync(join(local, 'dev-tokens.json'), 'utf8')) as Record<string, object>;
    const land = environmentOf('apps/land-registry/src/main.ts', base + 1);
    expect(land?.get('DATABASE_MIGRATIONS_URL')).toBeDefined();
    const client = new pg.Client({ connectionString: land!.get('DATABASE_MIGRATIONS_URL') });
    await client.connect();
    try {
      const issued = await client.query<{ operator: string; route: string; subject: string; detail: string }>(
        `SELECT a.operator, a.route, a.subject, a.detail FROM operator_audit a
          JOIN operator_token t ON t.id::text = a.subject WHERE a.kind = 'token-issued' AND t.revoked_at IS NULL ORDER BY a.id`,
      );
      expect(issued.rows.map((row) => [row.operator, row.route])).toEqual(
        Object.keys(tokens.land!).map(() => ['npm start', 'npm start: development token issue']),
      );
      expect(issued.rows.map((row) => row.detail.split(' until ')[0])).toEqual([
        'admin:land as admin',
        'clerk:land as clerk',
        'auditor:land as auditor',
      ]);
      const entries = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM operator_token t WHERE t.revoked_at IS NULL AND t.created_by = 'npm start' AND t.last_chain IS NOT NULL`,
      );
      expect(Number(entries.rows[0]!.n)).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('logs no warn, error or fatal line in a healthy start, from any app or the stack', () => {
    const alarming: string[] = [];
    for (const file of readdirSync(join(local, 'logs'))) {
      for (const line of readFileSync(join(local, 'logs', file), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        let level: string | undefined;
        try {
          level = (JSON.parse(line) as { level?: string }).level;
        } catch {
          level = 'not a log line (stderr)';
        }
        if (level !== 'info' && level !== 'debug' && level !== 'trace') alarming.push(`${file}: ${line}`);
      }
    }
    const printed = output.split('\n').filter((line) => /^\d\d:\d\d:\d\d \S+ +(warn|error|fatal)\b/.test(line));

    expect(alarming).toEqual([]);
    expect(printed).toEqual([]);
  });

  it('stops in order on Ctrl-C, with exit code 0', async () => {
    stack!.kill('SIGINT');

    expect(await stopped()).toBe(0);
    expect(output).toContain(`stopped; data kept in ${local} (npm run reset wipes it)`);
  }, 90_000);
});
