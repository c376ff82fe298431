import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createKafka } from '@registry-bus/bus';
import {
  encodeRecord,
  fromHex,
  loadOrCreateFileSigner,
  sealEntry,
  signTrustBundle,
  toHex,
  type TrustBundle,
  type TrustedKey,
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
interface LedgerItem {
  envelope: { seq: string; hash: string; time: string; type: string; subject: string };
  data: { fields: Record<string, unknown> } | null;
}

/** Land, credit (land's follower and witness) and the notary, with what these tests ask of them. */
class KeyTimeStack extends DepartmentStack {
  clerk = '';
  auditor = '';
  base!: TrustBundle;

  async begin(parcels: string[]): Promise<void> {
    await this.start(['land', 'credit', 'notary']);
    this.clerk = await this.token('land', 'clerk', 'clerk:kt');
    this.auditor = await this.token('land', 'auditor', 'auditor:kt');
    for (const parcel of parcels) await this.register(parcel);
    this.base = this.trustBundle();
  }

  async register(parcel: string): Promise<void> {
    const registered = await this.call('land', 'POST', '/v1/parcels', {
      token: this.clerk,
      body: surveyedParcel(parcel, `S-${parcel}`),
    });
    expect(registered.status).toBe(201);
  }

  async landEntries(): Promise<LedgerItem[]> {
    const answer = await this.call('land', 'GET', '/v1/ledger/entries?after=0&limit=100', { token: this.auditor });
    expect(answer.status).toBe(200);
    return answer.body.entries as LedgerItem[];
  }

  async positionOf(department: string, chain: string): Promise<number> {
    const rows: Array<{ seq: string }> = await this.get(department).runtime.dataSource.query(
      'SELECT seq FROM consumer_position WHERE source_chain = $1',
      [chain],
    );
    return Number(rows[0]?.seq ?? 0);
  }

  /** A bundle `version` with land's key changed, signed by the governance key, in a file of its own. */
  async bundleWith(name: string, version: number, change: (key: TrustedKey) => void): Promise<string> {
    const bundle = structuredClone(this.base);
    bundle.version = version;
    bundle.issuedAt = new Date().toISOString();
    change(bundle.departments.find((department) => department.id === 'land')!.keys[0]!);
    const governance = loadOrCreateFileSigner(join(this.local, 'keys', 'governance'), 'governance');
    const file = join(this.local, `trust-bundle-${name}.json`);
    writeFileSync(file, JSON.stringify(await signTrustBundle(bundle, governance)));
    return file;
  }

  async restartWith(bundleFile: string, departments = ['credit', 'notary']): Promise<void> {
    for (const department of departments) {
      await this.stopOne(department);
      await this.start([department], { TRUST_BUNDLE_FILE: bundleFile });
    }
  }

  /**
   * The thief's entry after `last`, signed with land's key file (he holds it and a login to land's topic),
   * claiming a time just after `last`, when the key was valid; published on land's topic.
   */
  async forgeAfter(last: LedgerItem) {
    const stolen = loadOrCreateFileSigner(join(this.local, 'keys', 'land'), 'land');
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
    const record = encodeRecord(forged.envelope, forged.disclosure);
    const kafka = createKafka({ clientId: 'thief', brokers: this.get('credit').runtime.config.KAFKA_BROKERS });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${this.namespace}gov.land.ledger.v2`,
      acks: -1,
      messages: [{ key: record.key, value: Buffer.from(record.value), headers: record.headers }],
    });
    await producer.disconnect();
    return forged;
  }

  /** The alarm entries `department` raised about land's entry `seq`. */
  async alarmsAbout(
    department: string,
    seq: string,
  ): Promise<Array<{ kind: string; chain: string; seq: string; detail: string }>> {
    const rows: Array<{ fields: { kind: string; chain: string; seq: string; detail: string } }> = await this.get(
      department,
    ).runtime.dataSource.query(
      `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' AS fields
         FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.type = $1
          AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = 'land'
          AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'seq' = $2
        ORDER BY e.seq`,
      [`gov.${department}.alarm.raised.v1`, seq],
    );
    return rows.map((row) => row.fields);
  }
}

describe('keys judged when the world saw an entry', () => {
  const stack = new KeyTimeStack();
  const landEntries = () => stack.landEntries();
  const positionOf = (department: string, chain: string) => stack.positionOf(department, chain);

  /** Land's chain anchored and its checkpoint cosigned by credit, land's witness (q = 1 in the stack's bundle). */
  const checkpointed = async (size: number) =>
    stack.eventually(
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

  beforeAll(async () => {
    await stack.begin(['KT-1', 'KT-2']);
    const size = (await landEntries()).length;
    await checkpointed(size);
    expect(await positionOf('credit', 'land')).toBe(size);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('a new follower replays land after its key was retired: each entry held, then released by the checkpoint that first covered it', async () => {
    const entries = await landEntries();
    const retired = await stack.bundleWith('retired', stack.base.version + 1, (key) => {
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
    const revoked = await stack.bundleWith('revoked', stack.base.version + 2, (key) => {
      key.revokedAt = revokedAt;
      key.revocationReason = 'stolen';
    });
    await stack.restartWith(revoked);
    const forged = await stack.forgeAfter(last);
    expect(Date.parse(forged.envelope.time)).toBeLessThan(Date.parse(revokedAt));

    const seq = String(Number(last.envelope.seq) + 1);
    const [alarm] = await stack.eventually('credit alarms on the held entry', async () => {
      const alarms = await stack.alarmsAbout('credit', seq);
      return alarms.length > 0 ? alarms : undefined;
    });
    expect(alarm).toMatchObject({ kind: 'gap', chain: 'land', seq });
    expect(alarm!.detail).toMatch(
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

    // Land, not knowing, records its next parcel at that seq with the same key: held too, until the
    // department vouches for it in a compromise revocation — the last checkpoint it stands by and the
    // hashes of its own entries after it. Only those of the stolen key's entries verify.
    await stack.register('KT-3');
    const honest = (await landEntries()).at(-1)!;
    expect(honest.envelope.seq).toBe(seq);
    expect(honest.envelope.hash).not.toBe(toHex(forged.hash));
    const proof = await stack.call('land', 'GET', `/v1/ledger/entries/1/proof?treeSize=${entries.length}`, {
      token: stack.auditor,
    });
    expect(proof.status).toBe(200);
    const vouched = await stack.bundleWith('vouched', stack.base.version + 3, (key) => {
      key.revokedAt = revokedAt;
      key.revocationReason = 'stolen';
      key.compromise = [
        { chain: 'land', size: entries.length, root: String(proof.body.root), legitimate: [honest.envelope.hash] },
      ];
    });
    await stack.restartWith(vouched);
    // The forged entry comes first on the topic; the vouched one behind it takes its place.
    for (const department of ['credit', 'notary'])
      await stack.eventually(`${department} applies land's vouched entry`, async () =>
        (await positionOf(department, 'land')) === Number(seq) ? true : undefined,
      );
    const [applied] = await stack
      .get('credit')
      .runtime.dataSource.query(`SELECT hash FROM received_entry WHERE source_chain = 'land' AND seq = $1`, [seq]);
    expect(applied.hash.toString('hex')).toBe(honest.envelope.hash);
    const [refused] = await stack
      .get('credit')
      .runtime.dataSource.query(
        `SELECT reason FROM consumer_quarantine WHERE code = 'CONSUMER.EQUIVOCATION' AND source_chain = 'land' AND seq = $1`,
        [seq],
      );
    expect(refused.reason).toMatch(
      new RegExp(
        `^seq ${seq} of 'land' held \\(PROTOCOL\\.KEY_REVOKED: .*vouched up to ${entries.length} and 1 legitimate entry after it, not entry ${seq} \\(${toHex(forged.hash)}\\)\\) is refused`,
      ),
    );

    // Land's own recovery from its topic skips the forged entry too: it is not part of land's history.
    await stack.stopOne('land');
    await stack.loseDatabase('land');
    await stack.start(['land'], { TRUST_BUNDLE_FILE: vouched, LEDGER_RECOVERY: 'from-topic' });
    const report = stack.get('land').runtime.lastRecovery!;
    expect(report.head).toBe(Number(seq));
    expect(report.refused).toEqual([
      {
        seq: Number(seq),
        hash: toHex(forged.hash),
        reason: expect.stringMatching(/^key '.+' was revoked as compromised/),
      },
    ]);
    expect((await landEntries()).at(-1)!.envelope.hash).toBe(honest.envelope.hash);

    // And a new follower replays land across the revocation: the vouched prefix released by its checkpoints,
    // the forged entry refused, the vouched one after it applied.
    await stack.stopOne('credit');
    await stack.loseDatabase('credit');
    await stack.start(['credit'], { TRUST_BUNDLE_FILE: vouched, LEDGER_RECOVERY: 'from-topic' });
    await stack.eventually(
      'a new credit follows land to the vouched entry',
      async () => ((await positionOf('credit', 'land')) === Number(seq) ? true : undefined),
      90_000,
    );
    const replayed: Array<{ hash: Buffer }> = await stack
      .get('credit')
      .runtime.dataSource.query(`SELECT hash FROM received_entry WHERE source_chain = 'land' ORDER BY seq`);
    expect(replayed.map((row) => row.hash.toString('hex'))).toEqual(
      (await landEntries()).map((entry) => entry.envelope.hash),
    );
  });
});

describe('an entry accepted before the bundle that refuses it', () => {
  const stack = new KeyTimeStack();

  beforeAll(async () => {
    await stack.begin(['KA-1']);
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('is named in an alarm of the follower that accepted it, once, with what reacted to it there (nothing, here)', async () => {
    const entries = await stack.landEntries();
    const size = entries.length;
    await stack.eventually('credit follows land', async () =>
      (await stack.positionOf('credit', 'land')) === size ? true : undefined,
    );
    // Before anyone knows the key is stolen, the thief's entry is as good as land's own: credit accepts it.
    const forged = await stack.forgeAfter(entries.at(-1)!);
    const seq = String(size + 1);
    await stack.eventually('credit accepts the forged entry', async () =>
      (await stack.positionOf('credit', 'land')) === size + 1 ? true : undefined,
    );
    const proof = await stack.call('land', 'GET', `/v1/ledger/entries/1/proof?treeSize=${size}`, {
      token: stack.auditor,
    });
    expect(proof.status).toBe(200);
    const vouched = await stack.bundleWith('vouched', stack.base.version + 1, (key) => {
      key.revokedAt = new Date().toISOString();
      key.revocationReason = 'stolen';
      key.compromise = [{ chain: 'land', size, root: String(proof.body.root), legitimate: [] }];
    });
    await stack.restartWith(vouched, ['credit']);
    const alarms = await stack.eventually('credit alarms on the entry it accepted', async () => {
      const found = (await stack.alarmsAbout('credit', seq)).filter((alarm) => alarm.kind === 'equivocation');
      return found.length > 0 ? found : undefined;
    });
    expect(alarms).toEqual([
      {
        kind: 'equivocation',
        chain: 'land',
        seq,
        detail: `entry land/${seq} (${toHex(forged.hash)}) was accepted here, and trust bundle version ${stack.base.version + 1} refuses it: signed with key '${forged.envelope.keyid}', revoked as compromised, and not vouched for; nothing here reacted to it`,
      },
    ]);
    // A restart under the same bundle finds it again and raises nothing new.
    await stack.restartWith(vouched, ['credit']);
    expect((await stack.alarmsAbout('credit', seq)).filter((alarm) => alarm.kind === 'equivocation')).toHaveLength(1);
  });
});
