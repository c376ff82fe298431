import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FaultProxy, KafkaLauncher } from '@registry-bus/testing';

import { DepartmentStack, type Answer } from './department-stack.js';

const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '300.00',
  location: 'Gori',
  landUse: 'agricultural',
  owners: [{ ownerId: 'person:f-1', share: '1' }],
  basis: { documentType: 'survey', reference: 'S-F' },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of a department's own entries by subject prefix and type, read straight from its database. */
async function registered(stack: DepartmentStack, prefix: string): Promise<Map<string, number>> {
  const rows: Array<{ subject: string; n: string }> = await stack.get('land').runtime.dataSource.query(
    `SELECT subject, count(*) AS n FROM ledger_entry WHERE chain = 'land' AND type = 'gov.land.parcel.registered.v1'
         AND subject LIKE $1 GROUP BY subject`,
    [`${prefix}%`],
  );
  return new Map(rows.map((row) => [row.subject, Number(row.n)]));
}

/**
 * Fault drills (issue 10) on real Kafka and Postgres: the database cut away
 * from an app during writes (through a TCP fault proxy, never restarting the
 * shared Postgres), and the broker stopped for 20 s during writes (a launcher
 * instance of the drill's own, started again with its data).
 */
describe('faults: Postgres cut, Kafka stopped', () => {
  describe('Postgres cut during writes', () => {
    const stack = new DepartmentStack();
    let proxy: FaultProxy;

    beforeAll(async () => {
      await stack.start(['land']);
      const direct = new URL(stack.configOf('land').DATABASE_URL);
      proxy = new FaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      await proxy.start();
      await stack.stopOne('land');
      await stack.start(['land'], { DATABASE_URL: proxy.proxied(stack.configOf('land').DATABASE_URL) });
    });

    afterAll(async () => {
      proxy?.restore();
      await stack.stop();
      await proxy?.stop();
    });

    it('answers 503 problem+json while the database is away, acknowledges nothing it did not keep, and reconnects', async () => {
      const clerk = await stack.token('land', 'clerk', 'clerk:f');
      const attempts = 240;
      const answers = new Map<string, Answer>();
      let next = 0;
      const worker = async () => {
        while (next < attempts) {
          const n = `PGCUT-${String(next++).padStart(4, '0')}`;
          try {
            answers.set(
              n,
              await stack.call('land', 'POST', '/v1/parcels', {
                token: clerk,
                body: parcel(n),
                headers: { 'idempotency-key': `pgcut-${n}` },
              }),
            );
          } catch (error) {
            answers.set(n, { status: 0, body: { error: String(error) }, headers: new Headers() });
          }
        }
      };
      const writers = Promise.all([worker(), worker(), worker(), worker()]);
      await stack.eventually('some writes acknowledged', async () => (answers.size >= 40 ? true : undefined));
      proxy.cut();
      await sleep(3000);
      proxy.restore();
      await writers;

      const statuses = [...answers.values()].map((answer) => answer.status);
      const unavailable = [...answers.values()].filter((answer) => answer.status === 503);
      process.stdout.write(
        `postgres cut: ${attempts} commands, ${statuses.filter((s) => s === 201).length} acknowledged, ${unavailable.length} answered 503\n`,
      );
      // Only acknowledged or unavailable: never a 500, never a dropped connection.
      expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
      expect(unavailable.length).toBeGreaterThan(0);
      for (const answer of unavailable) {
        expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(answer.headers.get('retry-after')).toBe('2');
        expect(String(answer.body.code)).toMatch(/^(SERVICE\.DATABASE_UNAVAILABLE|LEDGER\.UNAVAILABLE)$/);
      }
      // Every acknowledged command is in the ledger exactly once.
      let kept = await registered(stack, 'PGCUT-');
      for (const [n, answer] of answers) if (answer.status === 201) expect([n, kept.get(n)]).toEqual([n, 1]);
      // The app reconnected by itself: clients retry what was not acknowledged, with the same key. A key is the
      // operator's own (http:<operator>:<key>), so the same clerk retries, with a fresh token: a command whose
      // COMMIT was cut on its way back was answered 503 and may be recorded, and its retry must replay it (201).
      const clerkAgain = await stack.token('land', 'clerk', 'clerk:f');
      for (const [n, answer] of answers) {
        if (answer.status === 201) continue;
        const retried = await stack.call('land', 'POST', '/v1/parcels', {
          token: clerkAgain,
          body: parcel(n),
          headers: { 'idempotency-key': `pgcut-${n}` },
        });
        expect([n, retried.status, retried.status === 201 ? undefined : retried.body]).toEqual([n, 201, undefined]);
      }
      kept = await registered(stack, 'PGCUT-');
      expect(kept.size).toBe(attempts);
      expect([...kept.values()].every((count) => count === 1)).toBe(true);
      const auditor = await stack.token('land', 'auditor', 'auditor:f');
      expect((await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor })).body).toMatchObject({
        ok: true,
      });
    });
  });

  describe('Kafka stopped for 20 s during writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-drill-kafka-'));
    const launcher = new KafkaLauncher({ dir });
    const stack = new DepartmentStack();

    beforeAll(async () => {
      const brokers = await launcher.start();
      await stack.start(['land', 'credit'], { KAFKA_BROKERS: brokers });
      await stack.grant('land', 'credit', ['gov.land.parcel.registered.v1']);
    });

    afterAll(async () => {
      await stack.stop();
      await launcher.stop({ removeData: true });
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps acknowledging writes, then publishes and delivers every one exactly once', async () => {
      const clerk = await stack.token('land', 'clerk', 'clerk:k');
      const write = async (n: string) =>
        (await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(n) })).status;
      for (let i = 0; i < 20; i++) expect(await write(`KCUT-A${i}`)).toBe(201);

      await launcher.stop();
      const outage = Date.now();
      let during = 0;
      while (Date.now() - outage < 20_000) {
        expect(await write(`KCUT-B${during++}`)).toBe(201);
        await sleep(100);
      }
      await launcher.start();
      const land = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
      await stack.eventually(
        'every entry published and applied by credit',
        async () => {
          const [cursor]: Array<{ published_seq: string }> = await stack
            .get('land')
            .runtime.dataSource.query(`SELECT published_seq FROM relay_cursor WHERE chain = 'land'`);
          const [position]: Array<{ seq: string }> = await stack
            .get('credit')
            .runtime.dataSource.query(`SELECT seq FROM consumer_position WHERE source_chain = 'land'`);
          return Number(cursor?.published_seq) >= land.treeSize && Number(position?.seq) >= land.treeSize
            ? true
            : undefined;
        },
        90_000,
      );
      process.stdout.write(
        `kafka stopped 20 s: ${during} commands acknowledged meanwhile, all published and delivered\n`,
      );
      const received: Array<{ subject: string; n: string }> = await stack.get('credit').runtime.dataSource.query(
        `SELECT e.subject, count(*) AS n FROM received_entry e JOIN received_entry_data d USING (source_chain, seq)
            WHERE e.source_chain = 'land' AND e.type = 'gov.land.parcel.registered.v1' GROUP BY e.subject`,
      );
      expect(received).toHaveLength(20 + during);
      expect(received.every((row) => Number(row.n) === 1)).toBe(true);
      expect((await registered(stack, 'KCUT-')).size).toBe(20 + during);
    });
  });

  describe('LEDGER_ACK=published', () => {
    const stack = new DepartmentStack();

    beforeAll(async () => {
      await stack.start(['land'], { LEDGER_ACK: 'published', LEDGER_ACK_TIMEOUT_MS: '1500' });
    });

    afterAll(() => stack.stop());

    it('answers only once the entry is on Kafka, and 503 while it cannot get there', async () => {
      const clerk = await stack.token('land', 'clerk', 'clerk:ack');
      const runtime = stack.get('land').runtime;
      // The relay is what takes entries to Kafka: stopping it is Kafka being away, as far as acknowledging goes.
      const relay = (runtime as unknown as { relay: { stop(): Promise<void>; start(): void } }).relay;
      const cursor = async () => {
        const [row]: Array<{ published_seq: string }> = await runtime.dataSource.query(
          `SELECT published_seq FROM relay_cursor WHERE chain = 'land'`,
        );
        return Number(row?.published_seq);
      };
      const post = (n: string) =>
        stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(n), headers: { 'idempotency-key': n } });

      const acked = await post('ACK-1');
      expect(acked.status).toBe(201);
      expect(await cursor()).toBeGreaterThanOrEqual((acked.body.entries as Array<{ seq: number }>)[0]!.seq);

      await relay.stop();
      const waiting = await post('ACK-2');
      expect(waiting.status).toBe(503);
      expect(waiting.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(waiting.body.detail).toMatch(/recorded in the ledger but not yet published to Kafka after 1500 ms/);
      relay.start();
      const retried = await post('ACK-2');
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(await cursor()).toBeGreaterThanOrEqual((retried.body.entries as Array<{ seq: number }>)[0]!.seq);
      expect((await registered(stack, 'ACK-')).get('ACK-2')).toBe(1);
    });
  });
});
