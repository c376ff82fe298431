import pg from 'pg';

import { isProcessAlive } from '../ports/process-alive.js';

/**
 * Throw-away databases and roles for one test run. Every name starts with
 * `rbt_<run id>_`; roles are cluster-wide, so the run id keeps runs apart.
 * The run id begins with the pid of the process that owns the run, so a later
 * run can tell a crashed run's leftovers (owner gone) from a live one's.
 */
export const THROWAWAY_PREFIX = 'rbt_';

export function newRunId(pid = process.pid): string {
  const random = Math.random().toString(36).slice(2, 7);
  return `${pid.toString(36)}_${random}`;
}

export function runPrefix(runId: string): string {
  return `${THROWAWAY_PREFIX}${runId}_`;
}

/** Postgres identifiers are at most 63 bytes; ours are lower-case ASCII. */
export function throwawayName(runId: string, name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const full = `${runPrefix(runId)}${clean}`;
  if (full.length > 63) throw new Error(`throw-away name '${full}' is longer than Postgres's 63 characters`);
  return full;
}

export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  return parsed.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export async function createDatabase(adminUrl: string, database: string): Promise<string> {
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${quote(database)}`));
  return withDatabase(adminUrl, database);
}

export async function createRole(adminUrl: string, role: string, password: string): Promise<void> {
  await withAdmin(adminUrl, (client) =>
    client.query(`CREATE ROLE ${quote(role)} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`),
  );
}

/** Drops every database and role whose name starts with `prefix`; returns what was dropped. */
export async function dropByPrefix(adminUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(adminUrl, async (client) => {
    const dropped: string[] = [];
    const like = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const databases = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      like,
    ]);
    for (const { datname } of databases.rows) {
      await client.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
      dropped.push(datname);
    }
    const roles = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [like]);
    for (const { rolname } of roles.rows) {
      // A role may still own objects in databases outside the run (it should not); drop those grants first.
      await client.query(`DROP ROLE IF EXISTS ${quote(rolname)}`).catch(async () => {
        await client.query(`REASSIGN OWNED BY ${quote(rolname)} TO CURRENT_USER`);
        await client.query(`DROP OWNED BY ${quote(rolname)}`);
        await client.query(`DROP ROLE IF EXISTS ${quote(rolname)}`);
      });
      dropped.push(rolname);
    }
    return dropped;
  });
}

/** Drops what crashed earlier runs left behind: runs whose owning process is gone. */
export async function sweepAbandonedRuns(adminUrl: string): Promise<string[]> {
  const names = await withAdmin(adminUrl, async (client) => {
    const like = `${THROWAWAY_PREFIX.replace(/_/g, '\\_')}%`;
    const result = await client.query<{ name: string }>(
      'SELECT datname AS name FROM pg_database WHERE datname LIKE $1 UNION SELECT rolname FROM pg_roles WHERE rolname LIKE $1',
      [like],
    );
    return result.rows.map((row) => row.name);
  });
  const abandoned = new Set<string>();
  for (const name of names) {
    const [, pid36, random] = name.split('_');
    if (!pid36 || !random) continue;
    const pid = parseInt(pid36, 36);
    if (!Number.isInteger(pid) || !isProcessAlive(pid)) abandoned.add(`${THROWAWAY_PREFIX}${pid36}_${random}_`);
  }
  const dropped: string[] = [];
  for (const prefix of abandoned) {
    try {
      dropped.push(...(await dropByPrefix(adminUrl, prefix)));
    } catch (error) {
      // Someone else's leftovers must not stop this run: say what is left, and go on.
      console.warn(
        `[testing] could not drop the leftovers of ${prefix}* (drop them by hand): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return dropped;
}
