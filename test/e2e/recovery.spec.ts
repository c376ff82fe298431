import { verifyEd25519Node } from '@registry-bus/protocol';
import type { RecoveryReport } from '@registry-bus/kit';
import { verifyReceipt, type Receipt } from '@registry-bus/receipts';

import { DepartmentStack } from './department-stack.js';

const survey = { documentType: 'survey', reference: 'S-R' };
const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '640.00',
  location: 'Batumi',
  landUse: 'residential',
  owners: [{ ownerId: 'person:r-1', share: '1' }],
  basis: survey,
});

/**
 * The fire (issue 10): the land registry's database is lost entirely. Its
 * topic is its off-site copy: the app refuses to start on an empty ledger
 * behind its topic, then rebuilds from the topic — verified entry by entry
 * and against the notary's anchors — with its states, read models and
 * idempotency keys, and carries on without applying any reaction twice.
 */
describe('recovery of a lost database from the bus', () => {
  const stack = new DepartmentStack();
  let clerk: string;
  let auditor: string;

  const countOf = async (type: string): Promise<number> => {
    const rows: Array<{ n: string }> = await stack
      .get('land')
      .runtime.dataSource.query('SELECT count(*) AS n FROM ledger_entry WHERE chain = $1 AND type = $2', [
        'land',
        type,
      ]);
    return Number(rows[0]!.n);
  };
  const head = async () =>
    (await stack.call('land', 'GET', '/v1/ledger/head')).body as unknown as { treeSize: number; root: string };

  beforeAll(async () => {
    await stack.start(['land', 'credit']);
    await stack.start(['notary']);
    await stack.pledgeSagaGrants();
    clerk = await stack.token('land', 'clerk', 'clerk:r');
    const creditAdmin = await stack.token('credit', 'admin', 'admin:r');
    const alpha = await stack.token('credit', 'clerk', 'clerk:alpha-r', 'bank:alpha');
    await stack.bankWithLoan('bank:alpha', 'L-R1', 'person:r-1', alpha);
    const loanBasis = { documentType: 'loan-agreement', reference: 'L-R1' };
    const first = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: parcel('REC-1'),
      headers: { 'idempotency-key': 'rec-parcel-1' },
    });
    expect(first.status).toBe(201);
    for (let i = 2; i <= 6; i++) {
      expect((await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(`REC-${i}`) })).status).toBe(
        201,
      );
    }
    // A reaction of land to credit: the pledge made active by land's encumbrance entry.
    expect(
      (
        await stack.call('credit', 'POST', '/v1/pledges', {
          token: alpha,
          body: {
            pledgeId: 'P-R1',
            cadastralNumber: 'REC-1',
            bankId: 'bank:alpha',
            loanId: 'L-R1',
            pledgor: 'person:r-1',
            basis: loanBasis,
          },
        })
      ).status,
    ).toBe(201);
    await stack.eventually('the pledge made active by land', async () => {
      const pledge = await stack.call('credit', 'GET', '/v1/pledges/P-R1', { token: creditAdmin });
      return pledge.body.status === 'active' ? true : undefined;
    });
    auditor = await stack.token('land', 'auditor', 'auditor:r');
  });

  afterAll(() => stack.stop());

  it('refuses to start on a lost database, rebuilds it from the topic when told to, and carries on', async () => {
    // Everything land recorded is anchored and its checkpoint cosigned (witnesses write no entries: #23).
    const [{ seq: recorded }]: Array<{ seq: string }> = await stack
      .get('land')
      .runtime.dataSource.query(`SELECT max(seq) AS seq FROM ledger_entry WHERE chain = 'land'`);
    await stack.eventually(
      'land anchored and witnessed up to its last record',
      async () => {
        const verify = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
        const anchor = verify.body.anchor as { treeSize: number; witnessedBy: string[] } | null;
        return anchor && anchor.treeSize >= Number(recorded) && anchor.witnessedBy.length > 0 ? true : undefined;
      },
      60_000,
    );
    const settled = await head();
    const parcelBefore = (await stack.call('land', 'GET', '/v1/parcels/REC-1', { token: auditor })).body;
    expect((parcelBefore.encumbrances as unknown[]).length).toBe(1);
    const receiptAnswer = await stack.call('land', 'GET', '/v1/ledger/entries/1/receipt');
    expect(receiptAnswer.status).toBe(200);
    const receiptBefore = receiptAnswer.body as unknown as Receipt;
    const encumbrances = await countOf('gov.land.encumbrance.added.v1');
    expect(encumbrances).toBe(1);

    await stack.stopOne('land');
    await stack.loseDatabase('land');

    // Writing on an empty ledger would give seqs 1… a second meaning: refused, naming the way out.
    await expect(stack.start(['land'])).rejects.toThrow(
      /ledger of land ends at entry 0 but its topic .*gov\.land\.ledger\.v2 holds entries up to \d+.*LEDGER_RECOVERY=from-topic/,
    );

    const started = Date.now();
    await stack.start(['land'], { LEDGER_RECOVERY: 'from-topic' });
    const report = stack.get('land').runtime.lastRecovery as RecoveryReport;
    process.stdout.write(
      `recovery: ${report.restored} entries restored in ${report.ms} ms (app up in ${Date.now() - started} ms); ` +
        `${report.anchors.checked} anchors checked; ${report.idempotencyKeys} idempotency keys; ${report.duplicates} duplicate records\n`,
    );
    expect(report.before).toBe(0);
    expect(report.restored).toBeGreaterThanOrEqual(settled.treeSize);
    expect(report.anchors.checked).toBeGreaterThan(0);
    expect(report.idempotencyKeys).toBeGreaterThan(0);
    expect(report.dataMissing).toEqual([]);
    expect(report.projections.parcel).toBeGreaterThanOrEqual(7);

    // The same ledger: head, root, and its view of the notary's anchors back as it reads the notary's ledger again.
    const after = await head();
    expect(after.treeSize).toBe(report.head);
    const verifier = await stack.token('land', 'auditor', 'auditor:r2');
    const verify = await stack.eventually('land to hold its rebuilt ledger to the witnessed anchor', async () => {
      const answer = await stack.call('land', 'GET', '/v1/ledger/verify', { token: verifier });
      return answer.body.anchor ? answer.body : undefined;
    });
    expect(verify).toMatchObject({ ok: true, anchor: { matches: true } });
    // The same register: the parcel with its encumbrance, rebuilt from the entries.
    const reader = await stack.token('land', 'auditor', 'auditor:r3');
    expect((await stack.call('land', 'GET', '/v1/parcels/REC-1', { token: reader })).body).toEqual(parcelBefore);
    // A receipt issued before the fire still verifies, and the rebuilt ledger gives the same entry.
    expect(verifyReceipt(receiptBefore, stack.trustBundle(), verifyEd25519Node).failure).toBeUndefined();
    const again = await stack.call('land', 'GET', '/v1/ledger/entries/1/receipt');
    expect((again.body as unknown as Receipt).entry.envelope.hash).toBe(receiptBefore.entry.envelope.hash);

    // A client retrying a request acknowledged before the fire gets the same answer, not a second entry.
    const clerkAgain = await stack.token('land', 'clerk', 'clerk:r');
    const retried = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerkAgain,
      body: parcel('REC-1'),
      headers: { 'idempotency-key': 'rec-parcel-1' },
    });
    expect(retried.status).toBe(201);
    expect(await countOf('gov.land.parcel.registered.v1')).toBe(6);

    // The consumer reads credit's ledger again from its start: the pledge's reaction is not applied twice.
    await stack.eventually(
      'land to have read credit’s ledger again',
      async () => {
        const rows: Array<{ seq: string }> = await stack
          .get('land')
          .runtime.dataSource.query(`SELECT seq FROM consumer_position WHERE source_chain = 'credit'`);
        const creditHead = (await stack.call('credit', 'GET', '/v1/ledger/head')).body as { treeSize: number };
        return rows[0] && Number(rows[0].seq) >= creditHead.treeSize ? true : undefined;
      },
      60_000,
    );
    expect(await countOf('gov.land.encumbrance.added.v1')).toBe(encumbrances);

    // And it writes on from where the ledger ended.
    const next = await stack.call('land', 'POST', '/v1/parcels', { token: clerkAgain, body: parcel('REC-7') });
    expect(next.status).toBe(201);
    expect((await head()).treeSize).toBeGreaterThan(after.treeSize);
  });

  it('refuses a topic whose history it cannot verify, and stays closed', async () => {
    await stack.stopOne('land');
    await stack.loseDatabase('land');
    // Someone with write access to land's topic appends an entry that land never signed.
    const { createKafka } = await import('@registry-bus/bus');
    const kafka = createKafka({ clientId: 'forger', brokers: stack.get('credit').runtime.config.KAFKA_BROKERS });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `${stack.namespace}gov.land.ledger.v2`;
    const [offsets] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const last = await new Promise<{ value: Buffer; key: Buffer | null }>((resolve, reject) => {
      const consumer = kafka.consumer({ groupId: `${stack.namespace}registry-bus.land.forger` });
      void (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (Number(message.offset) === Number(offsets!.high) - 1) {
              resolve({ value: message.value!, key: message.key });
              void consumer.disconnect();
            }
          },
        });
      })().catch(reject);
    });
    const forged = JSON.parse(last.value.toString('utf8')) as Record<string, string>;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: last.key,
          value: JSON.stringify({
            ...forged,
            seq: String(Number(forged.seq) + 1),
            prevhash: forged.hash,
            id: crypto.randomUUID(),
          }),
        },
      ],
    });
    await producer.disconnect();

    await expect(stack.start(['land'], { LEDGER_RECOVERY: 'from-topic' })).rejects.toThrow(
      /gov\.land\.ledger\.v2 offset \d+: entry \d+ fails verification: .*changed/,
    );
    expect(stack.running.has('land')).toBe(false);
  });
});
