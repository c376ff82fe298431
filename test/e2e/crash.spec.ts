import { spawn, type ChildProcess } from 'node:child_process';

import { freePort } from '@registry-bus/testing';

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

  it('keeps every acknowledged command exactly once', async () => {
    await stack.start(['land']);
    const clerk = await stack.token('land', 'clerk', 'clerk:crash');
    const config = stack.configOf('land');
    await stack.stopOne('land');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawnLand({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: config.DATABASE_URL,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_NAMESPACE: config.KAFKA_TOPIC_NAMESPACE,
      KEYS_DIR: config.KEYS_DIR,
      TRUST_BUNDLE_FILE: config.TRUST_BUNDLE_FILE,
      TRUST_ROOT_PUBLIC_KEY_FILE: config.TRUST_ROOT_PUBLIC_KEY_FILE,
      LOG_LEVEL: 'warn',
    });
    await healthy(url, child);

    const total = 5000;
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

    // Clients retry what was not acknowledged, with the same keys: each lands once.
    const clerkAgain = await stack.token('land', 'clerk', 'clerk:crash-2');
    for (const n of failed) {
      const retried = await stack.call('land', 'POST', '/v1/parcels', {
        token: clerkAgain,
        body: parcel(n),
        headers: { 'idempotency-key': `crash-${n}` },
      });
      expect([n, retried.status]).toEqual([n, 201]);
    }
    const [{ n: count }]: Array<{ n: string }> = await stack
      .get('land')
      .runtime.dataSource.query(
        `SELECT count(DISTINCT subject) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.parcel.registered.v1'`,
      );
    expect(Number(count)).toBe(total);
    const auditor = await stack.token('land', 'auditor', 'auditor:crash');
    expect((await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor })).body).toMatchObject({ ok: true });
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    await stack.eventually('everything published', async () => {
      const [cursor]: Array<{ published_seq: string }> = await stack
        .get('land')
        .runtime.dataSource.query(`SELECT published_seq FROM relay_cursor WHERE chain = 'land'`);
      return Number(cursor?.published_seq) >= head.treeSize ? true : undefined;
    });
  });
});
