import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DevCa } from '../dev-ca/index.js';

/**
 * A throw-away Postgres cluster of its own that speaks only TLS, with a
 * certificate of a development CA (SANs 127.0.0.1, localhost): what
 * `sslmode=verify-full` in production is tested against (issue #25). Made
 * with the local server's own initdb and pg_ctl, run as the `postgres` OS
 * user when this process is root (Postgres refuses to run as root), bound to
 * 127.0.0.1 on `port`; pg_hba rejects every connection without TLS.
 */
export interface TlsPostgres {
  port: number;
  /** The superuser's URL, with no sslmode: callers add theirs. */
  url: string;
  stop(): void;
}

export function startTlsPostgres(dir: string, ca: DevCa, port: number): TlsPostgres {
  const bin = postgresBin();
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const asPostgres = process.getuid?.() === 0;
  const owner = asPostgres ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : undefined;
  if (owner !== undefined) chownSync(dir, owner, Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (command: string, args: string[]) =>
    execFileSync(
      asPostgres ? 'runuser' : join(bin, command),
      asPostgres ? ['-u', 'postgres', '--', join(bin, command), ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const certificate = ca.issue('postgres-tls');
  for (const [from, to] of [
    [certificate.certFile, 'server.crt'],
    [certificate.keyFile, 'server.key'],
  ] as const) {
    copyFileSync(from, join(data, to));
    chmodSync(join(data, to), 0o600);
    if (owner !== undefined) chownSync(join(data, to), owner, owner);
  }
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'ssl = on',
      `ssl_cert_file = 'server.crt'`,
      `ssl_key_file = 'server.key'`,
      'fsync = off',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(data, 'pg_hba.conf'),
    ['hostssl all all 127.0.0.1/32 trust', 'hostnossl all all 127.0.0.1/32 reject', ''].join('\n'),
  );
  run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', 'start']);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
  };
}

/** The newest local Postgres server's binaries (Debian: /usr/lib/postgresql/<major>/bin), or PG_BIN. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  if (majors.length === 0) throw new Error(`no Postgres server binaries under ${root}: set PG_BIN`);
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}
