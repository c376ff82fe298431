import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createKafka } from '@registry-bus/bus';
import {
  encodeRecord,
  fromHex,
  loadOrCreateFileSigner,
  sealEntry,
  signTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

/**
 * Issue #24: a key is judged at the time the world saw the entry, never at
 * the time the entry claims. The dishonest participant: whoever stole land's
 * key (and can write to land's topic) signs an entry after the revocation
 * that claims a time before it. The honest case the rule must not break: a
 * new follower replaying land's chain after land's key was retired, whose
 * entries are released by the quorum checkpoints that first covered them.
 */
describe('keys judged when the world saw an entry', () => {
  const stack = new DepartmentStack();
  let clerk: string;
  let auditor: string;
  let base: TrustBundle;

  interface LedgerItem {
    envelope: { seq: string; hash: string; time: string; type: string; subject: string };
    data: { fields: Record<string, unknown> } | null;
  }
  const landEntries = async (): Promise<LedgerItem[]> => {
    const answer = await stack.call('land', 'GET', '/v1/ledger/entries?after=0&limit=100', { token: auditor });
    expect(answer.status).toBe(200);
    return answer.body.entries as LedgerItem[];
  };
  const positionOf = async (department: string, chain: string) => {
    const rows: Array<{ seq: string }> = await stack
      .get(department)
      .runtime.dataSource.query('SELECT seq FROM consumer_position WHERE source_chain = $1', [chain]);
    return Number(rows[0]?.seq ?? 0);
  };
  /** A bundle one version up from the stack's with land's key changed, signed by the governance key, in its own file. */
  const bundleWith = async (
    name: string,
    version: number,
    change: (key: TrustBundle['departments'][0]['keys'][0]) => void,
  ) => {
    const bundle = structuredClone(base);
    bundle.version = version;
    bundle.issuedAt = new Date().toISOString();
    change(bundle.departments.find((department) => department.id === 'land')!.keys[0]!);
    const governance = loadOrCreateFileSigner(join(stack.local, 'keys', 'governance'), 'governance');
    const file = join(stack.local, `trust-bundle-${name}.json`);
    writeFileSync(file, JSON.stringify(await signTrustBundle(bundle, governance)));
    return file;
  };

  beforeAll(async () => {
    await stack.start(['land', 'credit', 'notary']);
    clerk = await stack.token('land', 'clerk', 'clerk:kt');
    auditor = await stack.token('land', 'auditor', 'auditor:kt');
    for (const parcel of ['KT-1', 'KT-2']) {
      const registered = await stack.call('land', 'POST', '/v1/parcels', {
        token: clerk,
        body: surveyedParcel(parcel, `S-${parcel}`),
      });
      expect(registered.status).toBe(201);
    }
    base = stack.trustBundle();
    const size = (await landEntries()).length;
    // Land's chain anchored and its checkpoint cosigned by credit, land's witness (q = 1 in the stack's bundle).
    await stack.eventually(
      'a checkpoint of all of land cosigned by credit',
      async () => {
        const answer = await fetch(`${stack.get('notary').url}/v1/checkpoints/land`);
        if (!answer.ok) return undefined;
        const text = await answer.text();
        const [, sizeLine] = text.split('\n');
        return Number(sizeLine) >= size && /\n— credit /.test(text) ? text : undefined;
      },
      60_000,
    );
    expect(await positionOf('credit', 'land')).toBe(size);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('a new follower replays land after its key was retired: each entry held, then released by the checkpoint that first covered it', async () => {
    const entries = await landEntries();
    const retired = await bundleWith('retired', base.version + 1, (key) => {
      key.validUntil = new Date().toISOString();
    });
    await stack.stopOne('credit');
    await stack.loseDatabase('credit');
    await stack.start(['credit'], { TRUST_BUNDLE_FILE: retired, LEDGER_RECOVERY: 'from-topic' });
    // Judged at its receipt, now, every entry of land fails (the key is retired); the checkpoints say when
    // the world saw them: before the retirement.
    await stack.eventually(
      'credit follows land again',
      async () => ((await positionOf('credit', 'land')) === entries.length ? true : undefined),
      90_000,
    );
    const received: Array<{ seq: string; hash: Buffer }> = await stack
      .get('credit')
      .runtime.dataSource.query(`SELECT seq, hash FROM received_entry WHERE source_chain = 'land' ORDER BY seq`);
    expect(received.map((row) => row.hash.toString('hex'))).toEqual(entries.map((entry) => entry.envelope.hash));
  });

  it('a stolen key, revoked: an entry it signs claiming a time before the revocation is held with an alarm, never applied', async () => {
    const entries = await landEntries();
    const last = entries.at(-1)!;
    const revokedAt = new Date().toISOString();
    const revoked = await bundleWith('revoked', base.version + 2, (key) => {
      key.revokedAt = revokedAt;
      key.revocationReason = 'stolen';
    });
    for (const department of ['credit', 'notary']) {
      await stack.stopOne(department);
      await stack.start([department], { TRUST_BUNDLE_FILE: revoked });
    }
    // The thief holds land's key file and a login to land's topic; he claims a time between land's last
    // entry and the revocation, where the key was still valid.
    const stolen = loadOrCreateFileSigner(join(stack.local, 'keys', 'land'), 'land');
    const forged = await sealEntry(
      {
        chain: 'land',
        seq: Number(last.envelope.seq) + 1,
        prevhash: fromHex(last.envelope.hash),
        type: last.envelope.type,
        subject: 'KT-FORGED',
        data: { ...last.data!.fields, cadastralNumber: 'KT-FORGED' },
        actor: 'clerk:kt',
        time: new Date(Date.parse(last.envelope.time) + 1),
      },
      stolen,
    );
    expect(Date.parse(forged.envelope.time)).toBeLessThan(Date.parse(revokedAt));
    const record = encodeRecord(forged.envelope, forged.disclosure);
    const kafka = createKafka({ clientId: 'thief', brokers: stack.get('credit').runtime.config.KAFKA_BROKERS });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${stack.namespace}gov.land.ledger`,
      acks: -1,
      messages: [{ key: record.key, value: Buffer.from(record.value), headers: record.headers }],
    });
    await producer.disconnect();

    const seq = String(Number(last.envelope.seq) + 1);
    const alarm = await stack.eventually('credit alarms on the held entry', async () => {
      const rows: Array<{ fields: { kind: string; chain: string; seq: string; detail: string } }> = await stack
        .get('credit')
        .runtime.dataSource.query(
          `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' AS fields
             FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
            WHERE e.type = 'gov.credit.alarm.raised.v1'
              AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = 'land'
              AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'seq' = $1`,
          [seq],
        );
      return rows[0]?.fields;
    });
    expect(alarm).toMatchObject({ kind: 'gap', chain: 'land', seq });
    expect(alarm.detail).toMatch(
      new RegExp(
        `^PROTOCOL\\.KEY_REVOKED: keyid: key '.+' was revoked at ${revokedAt.replace(/\./g, '\\.')} \\(stolen\\) — judged at its receipt`,
      ),
    );
    // Held, as a gap is: the chain did not move at credit nor at the notary, and nothing of it was kept.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await positionOf('credit', 'land')).toBe(entries.length);
    expect(await positionOf('notary', 'land')).toBe(entries.length);
    const kept = await stack
      .get('credit')
      .runtime.dataSource.query(`SELECT 1 FROM received_entry WHERE source_chain = 'land' AND seq = $1`, [seq]);
    expect(kept).toEqual([]);
  });
});
