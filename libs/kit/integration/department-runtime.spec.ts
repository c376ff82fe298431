import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DepartmentRuntime } from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import {
  ensureDevTrust,
  loadOrCreateFileSigner,
  signTrustBundle,
  trustBundleDigest,
  type SignedTrustBundle,
} from '@registry-bus/protocol';
import { integrationEnvironment } from '@registry-bus/testing';
import pg from 'pg';

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

  it('refuses to start with a signing key file other local users may read, naming the file (issue #25)', async () => {
    const keyFile = join(local, 'keys', 'land', 'signing-key.json');
    const before = readFileSync(keyFile, 'utf8');
    chmodSync(keyFile, 0o644);
    try {
      expect(() => new DepartmentRuntime({ department: 'land', follows: [] }, land.config, logger)).toThrow(
        `${keyFile} holds a secret but its mode is 0644 (others may read or write it): refused`,
      );
      expect(readFileSync(keyFile, 'utf8')).toBe(before);
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });

  it('refuses to start with an older trust bundle than it applied, re-signed or not, naming both versions', async () => {
    // A department of its own (database and namespace), so the running land is not disturbed.
    const rollback = await departmentTestConfig(env, local, 'landv', `${env.uniqueName('rtv')}.`, {
      KEYS_DIR: join(local, 'keys', 'land'),
    });
    const root = loadOrCreateFileSigner(join(local, 'keys', 'governance'), 'governance');
    const current = (JSON.parse(readFileSync(join(local, 'trust-bundle.json'), 'utf8')) as SignedTrustBundle).bundle;
    const write = async (name: string, version: number, issuedAt: string) => {
      const file = join(local, name);
      const bundle = { ...current, version, issuedAt };
      writeFileSync(file, JSON.stringify(await signTrustBundle(bundle, root)));
      return { file, digest: trustBundleDigest(bundle) };
    };
    const v2 = await write('bundle-v2.json', 2, '2026-11-20T00:00:00.000Z');
    // The governance root re-signs a v1 (say, the one from before a key was revoked): a good signature, an old version.
    const v1 = await write('bundle-v1-resigned.json', 1, '2026-11-25T00:00:00.000Z');
    const otherV2 = await write('bundle-v2-other.json', 2, '2026-11-26T00:00:00.000Z');
    const startWith = async (file: string) => {
      const sut = new DepartmentRuntime(
        { department: 'land', follows: [] },
        { ...rollback, TRUST_BUNDLE_FILE: file },
        logger,
      );
      try {
        await sut.start();
        return sut.dataSource.query(
          'SELECT version, digest, file, applied_at FROM trust_bundle_applied ORDER BY version',
        );
      } finally {
        await sut.stop();
      }
    };

    const applied = (await startWith(v2.file)) as Array<{ version: string; digest: string; applied_at: Date }>;
    expect(applied.map(({ version, digest }) => ({ version, digest }))).toEqual([{ version: '2', digest: v2.digest }]);
    const at = applied[0]!.applied_at.toISOString();

    await expect(startWith(v1.file)).rejects.toThrow(
      `trust bundle version 1 in ${v1.file} is older than version 2 this department applied at ${at}: refusing a rollback (a bundle from before a revocation would bring revoked keys back)`,
    );
    await expect(startWith(otherV2.file)).rejects.toThrow(
      `trust bundle version 2 in ${otherV2.file} (sha256 ${otherV2.digest}) is not the version 2 this department applied at ${at} (sha256 ${v2.digest}): refusing a second bundle under one version number (a new bundle takes a higher version)`,
    );
    // The bundle it applied still starts it, and remembering it again changes nothing.
    expect(await startWith(v2.file)).toHaveLength(1);
    // The table holds the line by itself too: no lower version goes in, no row is changed or removed.
    const client = new pg.Client({ connectionString: rollback.DATABASE_URL });
    await client.connect();
    try {
      await expect(
        client.query(`INSERT INTO trust_bundle_applied (version, digest, file) VALUES (1, $1, 'old.json')`, [
          v1.digest,
        ]),
      ).rejects.toThrow('trust bundle version 1 is not higher than version 2 already applied');
      await expect(client.query('UPDATE trust_bundle_applied SET version = 1')).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM trust_bundle_applied')).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});
