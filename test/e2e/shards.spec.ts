import { createKafka } from '@registry-bus/bus';
import { shardOf } from '@registry-bus/ledger';
import { verifyEd25519Node } from '@registry-bus/protocol';
import { verifyLedgerExport, verifyReceipt, type LedgerExportLine, type Receipt } from '@registry-bus/receipts';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

const parcel = (cadastralNumber: string) => surveyedParcel(cadastralNumber, 'S-SH');

interface Appended {
  entries: Array<{ chain: string; seq: number }>;
}

/**
 * A register split into shards (LEDGER_SHARDS=2): each subject in the chain
 * its hash names, each chain its own hash chain and Merkle tree on its own
 * partition, anchored by the notary and witnessed by the followers each; a
 * receipt of a shard's entry verifies; a start with another count is refused.
 */
describe('a sharded register', () => {
  const stack = new DepartmentStack();
  const numbers = Array.from({ length: 12 }, (_, i) => `SH-${i}`);
  let clerk: string;
  let auditor: string;

  const anchorsOf = async (chain: string): Promise<Array<{ tree_size: string }>> =>
    stack.get('notary').runtime.dataSource.query(
      `SELECT convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'treeSize' AS tree_size
         FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
        WHERE e.chain = 'notary' AND e.type = 'gov.notary.anchor.signed.v1'
          AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = $1
        ORDER BY e.seq`,
      [chain],
    );

  beforeAll(async () => {
    // Credit first: it creates land's topic with one partition, and land, starting sharded, grows it — the
    // follower must find the new partition by itself.
    await stack.start(['credit']);
    await stack.start(['land'], { LEDGER_SHARDS: '2' });
    await stack.start(['notary']);
    clerk = await stack.token('land', 'clerk', 'clerk:shards');
    auditor = await stack.token('land', 'auditor', 'auditor:shards');
  });

  afterAll(() => stack.stop());

  it('keeps each subject in the chain of its hash, each chain gap-free, each on its own partition', async () => {
    // The twelve numbers fall into both shards (fixed by the hash, so this is not luck).
    expect(new Set(numbers.map((number) => shardOf(number, 2))).size).toBe(2);
    const seen = new Map<string, number[]>();
    for (const number of numbers) {
      const answer = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(number) });
      expect(answer.status).toBe(201);
      const [entry] = (answer.body as unknown as Appended).entries;
      expect(entry!.chain).toBe(`land/${shardOf(number, 2)}`);
      seen.set(entry!.chain, [...(seen.get(entry!.chain) ?? []), entry!.seq]);
    }
    // Each shard numbers its own entries from 1, without gaps (parcels, and the witness entries of its anchors).
    for (const chain of ['land/0', 'land/1']) {
      const listed = await stack.call('land', 'GET', `/v1/ledger/entries?chain=${chain}&limit=1000`, {
        token: auditor,
      });
      const entries = listed.body.entries as Array<{ seq: number; envelope: { chain: string; subject: string } }>;
      expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.every((entry) => entry.envelope.chain === chain)).toBe(true);
      for (const seq of seen.get(chain)!) expect(entries[seq - 1]!.envelope.subject).toMatch(/^SH-/);
    }
    expect([...seen.keys()].sort()).toEqual(['land/0', 'land/1']);

    // A later command about the same parcel goes to the same chain (its history is one chain's).
    const history = await stack.call('land', 'GET', `/v1/parcels/${numbers[1]}/history`, { token: auditor });
    expect(history.status).toBe(200);
    expect(history.body.entries).toHaveLength(1);

    // Credit, a follower, received both shards from their partitions, each in order — the second one once its
    // watch (every 5 s) saw the partition added after it subscribed, and read the topic again, whole.
    const heads = Object.fromEntries([...seen].map(([chain, seqs]) => [chain, seqs.at(-1)]));
    await stack.eventually(
      'credit has both shards',
      async () => {
        const rows: Array<{ source_chain: string; seq: string; kafka_partition: number }> = await stack
          .get('credit')
          .runtime.dataSource.query(
            `SELECT source_chain, seq, kafka_partition FROM consumer_position WHERE source_chain LIKE 'land/%'`,
          );
        const ok = Object.entries(heads).every(([chain, head]) =>
          rows.some(
            (row) =>
              row.source_chain === chain &&
              Number(row.seq) >= head! &&
              row.kafka_partition === Number(chain.split('/')[1]),
          ),
        );
        return ok ? rows : undefined;
      },
      // Seconds alone (4.6 s measured); on a loaded CI machine the new consumer's join can wait out the old
      // member's session (30 s) when its leave is not seen in time — once, in a fresh-clone run, past 30 s.
      75_000,
    );

    const chains = await stack.call('land', 'GET', '/v1/ledger/chains');
    expect(chains.body).toEqual({ department: 'land', chains: ['land/0', 'land/1'] });
  });

  it('has each shard anchored and witnessed, and a receipt of a shard entry verifies', async () => {
    for (const chain of ['land/0', 'land/1'])
      await stack.eventually(`an anchor of ${chain}`, async () =>
        (await anchorsOf(chain)).length > 0 ? true : undefined,
      );
    // Credit cosigns each shard's checkpoint (#23); land never witnesses its own chains.
    const receipt = await stack.eventually(
      'a receipt of land/1 entry 1, its checkpoint cosigned by credit',
      async () => {
        const answer = await stack.call('land', 'GET', '/v1/ledger/entries/1/receipt?chain=land/1');
        const body = answer.body as unknown as Receipt;
        return answer.status === 200 && body.checkpoint?.includes('\u2014 credit ') ? body : undefined;
      },
    );
    expect(receipt.entry.envelope.chain).toBe('land/1');
    const verdict = verifyReceipt(receipt, stack.trustBundle(), verifyEd25519Node);
    expect(verdict.failure).toBeUndefined();
    expect(verdict.ok).toBe(true);
    expect(verdict.summary.witnessedBy).toEqual(['credit']);
    expect(receipt.cosignatures).toEqual([]);

    // Verify checks every shard, each held to its own witnessed anchor.
    const verify = await stack.eventually('verify with both anchors matching', async () => {
      const answer = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
      const chains = answer.body.chains as Array<{ chain: string; anchor: { matches?: boolean } | null }>;
      return answer.status === 200 && chains.every((chain) => chain.anchor?.matches === true) ? answer : undefined;
    });
    expect(verify.body.ok).toBe(true);
    expect((verify.body.chains as Array<{ chain: string }>).map((chain) => chain.chain)).toEqual(['land/0', 'land/1']);

    // An auditor takes one shard home and checks it offline, as `npm run export -- land --chain land/1` does.
    const exported = await fetch(`${stack.get('land').url}/v1/ledger/export?chain=land/1`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(exported.headers.get('content-disposition')).toContain('land-1-ledger.jsonl');
    const lines = (await exported.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LedgerExportLine);
    const offline = verifyLedgerExport(lines, stack.trustBundle(), verifyEd25519Node);
    expect(offline.failure).toBeUndefined();
    expect(offline).toMatchObject({ ok: true, chain: 'land/1' });
    const unnamed = await fetch(`${stack.get('land').url}/v1/ledger/export`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(unnamed.status).toBe(400);

    // The operator view has a row per shard: its signed head and its latest anchor.
    const notaryAuditor = await stack.token('notary', 'auditor', 'auditor:shards');
    const overview = await stack.eventually('the operator view with both shards anchored', async () => {
      const answer = await stack.call('notary', 'GET', '/v1/operator/overview', { token: notaryAuditor });
      const rows = (answer.body.departments as Array<{ chain: string; head: unknown; lastAnchor: unknown }>).filter(
        (row) => row.chain.startsWith('land'),
      );
      return rows.length === 2 && rows.every((row) => row.head !== null && row.lastAnchor !== null) ? rows : undefined;
    });
    expect(overview.map((row) => row.chain).sort()).toEqual(['land/0', 'land/1']);

    // The per-chain gauges carry the chain.
    const metrics = await fetch(`${stack.get('land').url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(
      /^registry_bus_ledger_head_seq\{(?=[^}]*chain="land\/1")(?=[^}]*department="land")[^}]*\} [1-9]\d*$/m,
    );
  });

  it('records a grant in every shard, and the follower gets the data of both shards from the grant on', async () => {
    const grantId = await stack.grant('land', 'credit', ['gov.land.parcel.registered.v1']);
    const grantEntries: Array<{ chain: string; seq: number }> = await stack
      .get('land')
      .runtime.dataSource.query(
        `SELECT chain, seq::int FROM ledger_entry WHERE type = 'gov.land.access.grant-issued.v1' ORDER BY chain`,
      );
    expect(grantEntries.map((entry) => entry.chain)).toEqual(['land/0', 'land/1']);
    const later = Array.from({ length: 8 }, (_, i) => `SH-G${i}`);
    expect(new Set(later.map((number) => shardOf(number, 2))).size).toBe(2);
    for (const number of later)
      expect((await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(number) })).status).toBe(
        201,
      );
    const kept = await stack.eventually('credit to hold every later parcel', async () => {
      const rows: Array<{ subject: string; chain: string; data: boolean }> = await stack.get('credit').runtime
        .dataSource.query(`SELECT e.subject, e.source_chain AS chain, d.seq IS NOT NULL AS data
                  FROM received_entry e LEFT JOIN received_entry_data d ON d.source_chain = e.source_chain AND d.seq = e.seq
                 WHERE e.type = 'gov.land.parcel.registered.v1'`);
      return rows.length === numbers.length + later.length ? rows : undefined;
    });
    // Exactly from the grant's position in each shard: the data of the later parcels, none of the earlier.
    for (const row of kept)
      expect({ subject: row.subject, data: row.data }).toEqual({
        subject: row.subject,
        data: row.subject.startsWith('SH-G'),
      });
    expect(new Set(kept.filter((row) => row.data).map((row) => row.chain))).toEqual(new Set(['land/0', 'land/1']));
    expect(grantId).toBeTruthy();
  });

  it('asks for the chain where one seq could mean two entries, naming the field', async () => {
    const unnamed = await stack.call('land', 'GET', '/v1/ledger/entries/1/receipt');
    expect(unnamed.status).toBe(400);
    expect(unnamed.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(unnamed.body.errors).toEqual([{ field: 'chain', reason: expect.stringMatching(/land\/0, land\/1/) }]);
    expect((await stack.call('land', 'GET', '/v1/ledger/head')).status).toBe(400);
    const head = await stack.call('land', 'GET', '/v1/ledger/head?chain=land/0');
    expect(head.status).toBe(200);
    expect(head.body.chain).toBe('land/0');
    const foreign = await stack.call('land', 'GET', '/v1/ledger/head?chain=land/2');
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors).toEqual([
      { field: 'chain', reason: expect.stringMatching(/not a chain of this ledger/) },
    ]);
  });

  it('refuses a start with another shard count, naming the one the ledger was written with', async () => {
    await stack.stopOne('land');
    await expect(stack.start(['land'], { LEDGER_SHARDS: '1' })).rejects.toThrow(
      /LEDGER_SHARDS=1 names the chains land, but the ledger of land holds entries in land\/0, land\/1: it was written with LEDGER_SHARDS=2/,
    );
    await expect(stack.start(['land'], { LEDGER_SHARDS: '3' })).rejects.toThrow(
      /LEDGER_SHARDS=3, but the ledger of land was written with 2 shard\(s\).*start with LEDGER_SHARDS=2/,
    );
    // With its own count it starts, and goes on where each chain stopped.
    await stack.start(['land'], { LEDGER_SHARDS: '2' });
    const answer = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel('SH-99') });
    expect(answer.status).toBe(201);
    const [entry] = (answer.body as unknown as Appended).entries;
    expect(entry!.chain).toBe(`land/${shardOf('SH-99', 2)}`);
    expect(entry!.seq).toBeGreaterThan(1);
  });

  it('rebuilds every shard from its partition when the database is lost, each held to its own anchors', async () => {
    const land = stack.get('land').runtime;
    const heads = async () =>
      Object.fromEntries(
        await Promise.all(
          land.ledger.chains.map(async (chain) => [chain, (await land.ledger.reader.head(chain))?.seq ?? 0] as const),
        ),
      );
    let settled = await heads();
    // Every entry on Kafka and anchored before the fire.
    await stack.eventually('both shards published', async () =>
      (
        await Promise.all(
          land.ledger.chains.map(
            async (chain) =>
              Number(
                (await land.dataSource.query('SELECT published_seq FROM relay_cursor WHERE chain = $1', [chain]))[0]
                  ?.published_seq ?? 0,
              ) >= settled[chain]!,
          ),
        )
      ).every(Boolean)
        ? true
        : undefined,
    );
    await stack.stopOne('land');
    // Land may have cosigned an anchor meanwhile (its own entries, published before it stopped): what the
    // fire leaves on the topic is what its relay had published when it stopped, read once it has.
    settled = Object.fromEntries(
      (
        await stack.queryStopped<{ chain: string; published_seq: string }>(
          'land',
          'SELECT chain, published_seq FROM relay_cursor ORDER BY chain',
        )
      ).map((row) => [row.chain, Number(row.published_seq)]),
    );
    await stack.loseDatabase('land');
    // Started with the wrong count, the topic's partitions tell; with the right one, the lost entries do.
    await expect(stack.start(['land'], { LEDGER_SHARDS: '1' })).rejects.toThrow(/written with 2 shard\(s\)/);
    await expect(stack.start(['land'], { LEDGER_SHARDS: '2' })).rejects.toThrow(
      /the chain land\/[01] of the ledger of land ends at entry 0 but partition [01] of .*gov\.land\.ledger\.v2 holds entries/,
    );
    await stack.start(['land'], { LEDGER_SHARDS: '2', LEDGER_RECOVERY: 'from-topic' });
    const recovered = stack.get('land').runtime;
    const report = recovered.lastRecovery!;
    expect(report.shards?.map((shard) => shard.chain)).toEqual(['land/0', 'land/1']);
    for (const shard of report.shards!) {
      expect(shard.head).toBe(settled[shard.chain!]);
      expect(shard.anchors.checked).toBeGreaterThan(0);
    }
    expect(report.head).toBe(settled['land/0']! + settled['land/1']!);
    // The grant, in both shards, is one grant again (replayed from one shard).
    expect(report.projections['access-grant']).toBe(1);
    const admin = await stack.token('land', 'admin', 'admin:after-recovery');
    const given = await stack.call('land', 'GET', '/v1/access/grants/given', { token: admin });
    expect(given.status).toBe(200);
    expect(JSON.stringify(given.body)).toContain('"grantee":"credit"');
    const verify = await stack.call('land', 'GET', '/v1/ledger/verify', { token: admin });
    expect(verify.body.ok).toBe(true);
    // The off-site copy, tested shard by shard, covers every entry again.
    const check = await stack.call('land', 'POST', '/v1/ledger/recovery/check', {
      token: admin,
      body: { from: 'topic' },
    });
    expect(check.status).toBe(200);
    // Every entry recovered, and the admin's token issued since (a ledger entry itself, #27).
    expect(check.body).toMatchObject({ ok: true, covered: report.head + 1, missing: { count: 0 } });
    expect(
      (check.body.shards as Array<{ chain: string; ok: boolean }>).map((shard) => [shard.chain, shard.ok]),
    ).toEqual([
      ['land/0', true],
      ['land/1', true],
    ]);
    // And it writes on where each shard ended.
    const clerkAfter = await stack.token('land', 'clerk', 'clerk:after-recovery');
    // Where recovery left each shard, and the two tokens issued since (entries themselves, each on its shard, #27).
    const now: Record<string, number> = Object.fromEntries(
      await Promise.all(
        recovered.ledger.chains.map(async (chain) => [chain, (await recovered.ledger.reader.head(chain))?.seq ?? 0]),
      ),
    );
    expect(now['land/0']! + now['land/1']!).toBe(report.head + 2);
    const answer = await stack.call('land', 'POST', '/v1/parcels', { token: clerkAfter, body: parcel('SH-100') });
    expect(answer.status).toBe(201);
    const [entry] = (answer.body as unknown as Appended).entries;
    expect(entry!.seq).toBe(now[entry!.chain]! + 1);

    // LEDGER_ACK=published: each command is answered once its own shard's relay has it on Kafka.
    await stack.stopOne('land');
    await stack.start(['land'], { LEDGER_SHARDS: '2', LEDGER_RECOVERY: 'refuse', LEDGER_ACK: 'published' });
    const published = stack.get('land').runtime;
    const clerkAcked = await stack.token('land', 'clerk', 'clerk:acked');
    for (const number of ['SH-101', 'SH-102', 'SH-103', 'SH-104']) {
      const acked = await stack.call('land', 'POST', '/v1/parcels', { token: clerkAcked, body: parcel(number) });
      expect(acked.status).toBe(201);
      const [written] = (acked.body as unknown as Appended).entries;
      const [cursor]: Array<{ published_seq: string }> = await published.dataSource.query(
        'SELECT published_seq FROM relay_cursor WHERE chain = $1',
        [written!.chain],
      );
      expect(Number(cursor!.published_seq)).toBeGreaterThanOrEqual(written!.seq);
    }
  });

  it('rebuilds every shard from the mirrors when the topic is gone with the database', async () => {
    // Credit becomes a full mirror of land from this grant on (in both shards).
    await stack.grant('land', 'credit', ['gov.land.*']);
    const clerkMirror = await stack.token('land', 'clerk', 'clerk:mirror');
    for (const number of ['SH-200', 'SH-201', 'SH-202', 'SH-203'])
      expect(
        (await stack.call('land', 'POST', '/v1/parcels', { token: clerkMirror, body: parcel(number) })).status,
      ).toBe(201);
    const land = stack.get('land').runtime;
    const heads = Object.fromEntries(
      await Promise.all(
        land.ledger.chains.map(async (chain) => [chain, (await land.ledger.reader.head(chain))?.seq ?? 0] as const),
      ),
    );
    const mirrored = async () =>
      Object.fromEntries(
        (
          (await stack
            .get('credit')
            .runtime.dataSource.query(
              `SELECT source_chain AS chain, max(seq)::int AS seq FROM received_entry WHERE source_chain LIKE 'land/%' GROUP BY 1`,
            )) as Array<{ chain: string; seq: number }>
        ).map((row) => [row.chain, row.seq]),
      );
    await stack.eventually('credit to mirror both shards to their heads', async () => {
      const have = await mirrored();
      return Object.entries(heads).every(([chain, head]) => (have[chain] ?? 0) >= head) ? true : undefined;
    });

    await stack.stopOne('land');
    const kept = await mirrored();
    await stack.loseDatabase('land');
    const kafka = createKafka({ clientId: 'fire-shards', brokers: stack.get('credit').runtime.config.KAFKA_BROKERS });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [`${stack.namespace}gov.land.ledger.v2`], timeout: 30_000 });
    await admin.disconnect();

    await stack.start(['land'], {
      LEDGER_SHARDS: '2',
      LEDGER_ACK: 'committed',
      LEDGER_RECOVERY: 'from-mirror',
      LEDGER_RECOVERY_MIRRORS: `${stack.get('credit').url},${stack.get('notary').url}`,
    });
    const report = stack.get('land').runtime.lastRecovery!;
    expect(report.source).toMatch(/^mirrors .*; mirrors /);
    expect(report.shards?.map((shard) => [shard.chain, shard.head])).toEqual([
      ['land/0', kept['land/0']],
      ['land/1', kept['land/1']],
    ]);
    for (const shard of report.shards!) expect(shard.anchors.checked).toBeGreaterThan(0);
    // The parcels written before any grant came back as envelopes only, named with their chain.
    expect(report.dataMissing.length).toBeGreaterThan(0);
    expect(report.dataMissing.every((missing) => missing.chain === 'land/0' || missing.chain === 'land/1')).toBe(true);
    const auditorAfter = await stack.token('land', 'auditor', 'auditor:mirror');
    const parcelAfter = await stack.call('land', 'GET', '/v1/parcels/SH-201', { token: auditorAfter });
    expect(parcelAfter.status).toBe(200);
    const clerkAfter = await stack.token('land', 'clerk', 'clerk:after-mirror');
    const next = await stack.call('land', 'POST', '/v1/parcels', { token: clerkAfter, body: parcel('SH-204') });
    expect(next.status).toBe(201);
    const [entry] = (next.body as unknown as Appended).entries;
    expect(entry!.seq).toBeGreaterThan(kept[entry!.chain]!);
  });
});
