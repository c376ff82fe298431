import { spawn, type ChildProcess } from 'node:child_process';

import type { DepartmentConfig } from '@registry-bus/kit';
import { freePort } from '@registry-bus/testing';
import pg from 'pg';

import { DepartmentStack } from './department-stack.js';

const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '120.00',
  location: 'Zugdidi',
  landUse: 'residential',
  owners: [{ ownerId: 'person:c-1', share: '1' }],
  basis: { documentType: 'survey', reference: 'S-C' },
});

/** The land app as its own OS process (what `npm start` runs), so the drill can kill -9 it. */
function spawnLand(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', './scripts/ts-loader/register.js', 'apps/land-registry/src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

async function healthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`land exited with ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('land did not become healthy');
}

/** The environment `npm start` would give the land app, from the configuration the stack made for it. */
function landEnvironment(config: DepartmentConfig, port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: config.DATABASE_URL,
    KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_NAMESPACE: config.KAFKA_TOPIC_NAMESPACE,
    KAFKA_DEV_SINGLE_BROKER: String(config.KAFKA_DEV_SINGLE_BROKER),
    KEYS_DIR: config.KEYS_DIR,
    TRUST_BUNDLE_FILE: config.TRUST_BUNDLE_FILE,
    TRUST_ROOT_PUBLIC_KEY_FILE: config.TRUST_ROOT_PUBLIC_KEY_FILE,
    LOG_LEVEL: 'warn',
    DEPLOYMENT_MODE: config.DEPLOYMENT_MODE,
    // HTTPS as the stack runs it, with the stack's certificate (this process trusts its CA since the stack started).
    ...(config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { TLS_CERT_FILE: config.TLS_CERT_FILE, TLS_KEY_FILE: config.TLS_KEY_FILE }
      : { HTTP_DEV_PLAINTEXT: 'true' }),
  };
}

/** The burst: the land app is killed once 1,500 of these are acknowledged; the rest are retried one by one. */
const BURST = 5000;
/*
 * Its time follows its size: a minute to start and restart the app, then
 * every command at a rate a 2-core machine shared with other test runs keeps
 * (10 a second; alone it does several times that), within 15 minutes.
 */
const BURST_TIMEOUT_MS = Math.min(15 * 60_000, 60_000 + (BURST / 10) * 1000);
/** The consumer drill: 200 pledge requests and their reactions, with a minute to start, kill and restart. */
const REACTIONS = 200;
const REACTIONS_TIMEOUT_MS = 60_000 + REACTIONS * 1000;

/**
 * The crash (issue 10): kill -9 the land app in the middle of a burst of
 * 5,000 commands. After a restart every acknowledged command is in the
 * ledger exactly once, the chain verifies, and everything gets published.
 */
describe('kill -9 during a burst of commands', () => {
  const stack = new DepartmentStack();
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack.stop();
  });

  it(
    'keeps every acknowledged command exactly once',
    async () => {
      await stack.start(['land']);
      const clerk = await stack.token('land', 'clerk', 'clerk:crash');
      const config = stack.configOf('land');
      await stack.stopOne('land');
      const port = await freePort();
      const url = `https://127.0.0.1:${port}`;
      child = spawnLand(landEnvironment(config, port));
      await healthy(url, child);

      const total = BURST;
      const started = Date.now();
      const acknowledged = new Set<string>();
      const failed: string[] = [];
      let next = 0;
      let killedAt = 0;
      const worker = async () => {
        while (next < total) {
          const n = `CRASH-${String(next++).padStart(5, '0')}`;
          try {
            const response = await fetch(`${url}/v1/parcels`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${clerk}`,
                'content-type': 'application/json',
                'idempotency-key': `crash-${n}`,
              },
              body: JSON.stringify(parcel(n)),
              signal: AbortSignal.timeout(10_000),
            });
            await response.text();
            if (response.status === 201) acknowledged.add(n);
            else failed.push(n);
          } catch {
            failed.push(n);
          }
          if (!killedAt && acknowledged.size >= 1500) {
            killedAt = acknowledged.size;
            child!.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      process.stdout.write(
        `kill -9: ${total} commands sent, ${acknowledged.size} acknowledged (killed after ${killedAt}), ${failed.length} not acknowledged\n`,
      );
      expect(killedAt).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);

      // Restarted (here in-process, on the same database, keys and topic).
      await stack.start(['land']);
      const rows: Array<{ subject: string; n: string }> = await stack.get('land').runtime.dataSource.query(
        `SELECT subject, count(*) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.parcel.registered.v1'
          GROUP BY subject`,
      );
      const kept = new Map(rows.map((row) => [row.subject, Number(row.n)]));
      const lost = [...acknowledged].filter((n) => kept.get(n) !== 1);
      process.stdout.write(
        `kill -9: acknowledged ${acknowledged.size}, found ${acknowledged.size - lost.length}, lost ${lost.length}\n`,
      );
      expect(lost).toEqual([]);
      expect([...kept.values()].every((count) => count === 1)).toBe(true);

      // Clients retry what was not acknowledged, as themselves and with the same keys (a key is scoped to its
      // operator): each lands once. A command recorded just before the kill, its answer lost with the process,
      // comes back as a replay of that record — not as a second parcel, nor as a conflict with itself.
      // As many clients retry at once as sent the burst.
      let replayed = 0;
      const retries = [...failed];
      const retrier = async () => {
        for (let n = retries.shift(); n !== undefined; n = retries.shift()) {
          const retried = await stack.call('land', 'POST', '/v1/parcels', {
            token: clerk,
            body: parcel(n),
            headers: { 'idempotency-key': `crash-${n}` },
          });
          expect([n, retried.status]).toEqual([n, 201]);
          if (retried.body.replayed === true) replayed++;
        }
      };
      await Promise.all(Array.from({ length: 32 }, retrier));
      process.stdout.write(
        `kill -9: ${failed.length} retried, ${replayed} of them recorded before the kill (answered as replays)\n`,
      );
      const [{ n: count }]: Array<{ n: string }> = await stack
        .get('land')
        .runtime.dataSource.query(
          `SELECT count(DISTINCT subject) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.parcel.registered.v1'`,
        );
      expect(Number(count)).toBe(total);
      const auditor = await stack.token('land', 'auditor', 'auditor:crash');
      expect((await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor })).body).toMatchObject({
        ok: true,
      });
      const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
      await stack.eventually('everything published', async () => {
        const [cursor]: Array<{ published_seq: string }> = await stack
          .get('land')
          .runtime.dataSource.query(`SELECT published_seq FROM relay_cursor WHERE chain = 'land'`);
        return Number(cursor?.published_seq) >= head.treeSize ? true : undefined;
      });
      process.stdout.write(
        `kill -9: the burst of ${total} checked in ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'kill -9 of a consuming app mid-stream: every reaction applied exactly once after the restart',
    async () => {
      const reactions = new DepartmentStack();
      let consumer: ChildProcess | undefined;
      try {
        await reactions.start(['land', 'credit']);
        await reactions.pledgeSagaGrants();
        const landClerk = await reactions.token('land', 'clerk', 'clerk:mid');
        const alpha = await reactions.token('credit', 'clerk', 'clerk:alpha-mid', 'bank:alpha');
        const basis = { documentType: 'loan-agreement', reference: 'L-M1' };
        await reactions.bankWithLoan('bank:alpha', 'L-M1', 'person:c-1', alpha);
        const count = REACTIONS;
        for (let i = 0; i < count; i++) {
          const registered = await reactions.call('land', 'POST', '/v1/parcels', {
            token: landClerk,
            body: parcel(`MID-${i}`),
          });
          expect(registered.status).toBe(201);
        }
        // Land, the consumer of credit's pledge requests, becomes its own process.
        const config = reactions.configOf('land');
        await reactions.stopOne('land');
        const port = await freePort();
        consumer = spawnLand(landEnvironment(config, port));
        await healthy(`https://127.0.0.1:${port}`, consumer);
        const db = new pg.Client({ connectionString: config.DATABASE_URL });
        await db.connect();
        const reacted = async () =>
          Number(
            (
              await db.query(
                `SELECT count(*) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.encumbrance.added.v1'`,
              )
            ).rows[0].n,
          );
        // Watch from before the first request, and kill as soon as land is a little way into its reactions.
        let before = 0;
        const killer = (async () => {
          const deadline = Date.now() + 60_000;
          while (Date.now() < deadline) {
            before = await reacted();
            if (before >= 10) {
              consumer!.kill('SIGKILL');
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          throw new Error('land never started reacting');
        })();
        let next = 0;
        const requester = async () => {
          while (next < count) {
            const i = next++;
            const requested = await reactions.call('credit', 'POST', '/v1/pledges', {
              token: alpha,
              body: {
                pledgeId: `P-MID-${i}`,
                cadastralNumber: `MID-${i}`,
                bankId: 'bank:alpha',
                loanId: 'L-M1',
                pledgor: 'person:c-1',
                basis,
              },
            });
            expect(requested.status).toBe(201);
          }
        };
        try {
          await Promise.all([killer, ...Array.from({ length: 8 }, requester)]);
        } finally {
          await db.end();
        }
        process.stdout.write(`kill -9 of the consumer: killed with ${before} of ${count} reactions recorded\n`);
        expect(before).toBeLessThan(count);

        await reactions.start(['land']);
        const land = reactions.get('land').runtime.dataSource;
        await reactions.eventually(
          'every pledge request answered by land',
          async () => {
            const [row]: Array<{ n: string }> = await land.query(
              `SELECT count(DISTINCT subject) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.encumbrance.added.v1'`,
            );
            return Number(row!.n) >= count ? true : undefined;
          },
          90_000,
        );
        const perParcel: Array<{ subject: string; n: string }> = await land.query(
          `SELECT subject, count(*) AS n FROM ledger_entry WHERE chain = 'land' AND type LIKE 'gov.land.encumbrance.%'
          GROUP BY subject`,
        );
        expect(perParcel).toHaveLength(count);
        expect(perParcel.filter((row) => Number(row.n) !== 1)).toEqual([]);
        const creditAuditor = await reactions.token('credit', 'auditor', 'auditor:mid');
        await reactions.eventually('every pledge active', async () => {
          for (const i of [0, count - 1]) {
            const pledge = await reactions.call('credit', 'GET', `/v1/pledges/P-MID-${i}`, { token: creditAuditor });
            if (pledge.body.status !== 'active') return undefined;
          }
          return true;
        });
      } finally {
        consumer?.kill('SIGKILL');
        await reactions.stop();
      }
    },
    REACTIONS_TIMEOUT_MS,
  );
});
