import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DepartmentRuntime } from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import { ensureDevTrust } from '@registry-bus/protocol';
import { integrationEnvironment } from '@registry-bus/testing';

import { departmentTestConfig } from './department-fixture.js';

const env = integrationEnvironment();

/**
 * Two department runtimes on a real Kafka and Postgres: what the land ledger
 * appends is relayed to its topic and kept, verified, by the credit registry.
 */
describe('department runtime: ledger → relay → Kafka → consumer', () => {
  const local = mkdtempSync(join(tmpdir(), 'rb-runtime-'));
  const namespace = `${env.uniqueName('rt')}.`;
  const logger = createLogger('test', { level: 'silent' });
  let land: DepartmentRuntime;
  let credit: DepartmentRuntime;

  const config = (department: string) => departmentTestConfig(env, local, department, namespace);

  beforeAll(async () => {
    await ensureDevTrust(local, ['land', 'credit']);
    land = new DepartmentRuntime({ department: 'land', follows: [] }, await config('land'), logger);
    credit = new DepartmentRuntime({ department: 'credit', follows: ['land'] }, await config('credit'), logger);
    await land.start();
    await credit.start();
  });

  afterAll(async () => {
    await credit?.stop();
    await land?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('delivers every appended entry, verified, to the follower in order', async () => {
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        land.ledger.append({
          decide: () => ({
            entries: [
              {
                type: 'gov.land.parcel.registered.v1',
                subject: `P-${i}`,
                data: { parcelId: `P-${i}` },
                actor: 'clerk:1',
              },
            ],
          }),
        }),
      ),
    );
    let received: Array<{ seq: string; id: string }> = [];
    for (let i = 0; i < 150 && received.length < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      received = await credit.dataSource.query(
        `SELECT seq, id FROM received_entry WHERE source_chain = 'land' ORDER BY seq`,
      );
    }
    expect(received.map((row) => Number(row.seq))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const ids = new Map(appended.map((result) => [result.entries[0]!.seq, result.entries[0]!.id]));
    for (const row of received) expect(row.id).toBe(ids.get(Number(row.seq)));
    // Default deny: without a grant from land, the follower keeps every envelope but no data, and audits each.
    expect(await credit.dataSource.query(`SELECT count(*)::int AS n FROM received_entry_data`)).toEqual([{ n: 0 }]);
    const denied = await credit.dataSource.query(
      `SELECT decision, count(*)::int AS n FROM access_audit WHERE source_chain = 'land' GROUP BY decision`,
    );
    expect(denied).toEqual([{ decision: 'denied', n: 50 }]);
    expect(await credit.dataSource.query(`SELECT count(*)::int AS n FROM consumer_quarantine`)).toEqual([{ n: 0 }]);
    expect(await land.ledger.verify()).toMatchObject({ ok: true, checked: 50 });
  });

  it('refuses to start with a trust bundle that does not verify under the root key', async () => {
    const tampered = join(local, 'tampered-bundle.json');
    writeFileSync(
      tampered,
      JSON.stringify({
        ...JSON.parse(readFileSync(join(local, 'trust-bundle.json'), 'utf8')),
        sig: 'A'.repeat(86) + '==',
      }),
    );
    const bad = { ...(await config('land2')), TRUST_BUNDLE_FILE: tampered };
    expect(() => new DepartmentRuntime({ department: 'land', follows: [] }, bad, logger)).toThrow(
      /governance signature/,
    );
  });
});
