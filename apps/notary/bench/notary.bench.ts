// `npm run bench -- notary [--entries 1000000]`: what the notary and receipts
// cost, each beside a bare baseline in the same run —
//   1. ingestion: the notary's consumer pipeline (decode, hash, signature,
//      continuity, access policy: no data, witness tree) per record, beside a
//      bare one-row INSERT per record of the same envelope (same durability);
//   2. receipt generation at a ledger of --entries entries (10^6 by default),
//      latency p50/p95/p99, beside a bare SELECT of the entry by its key;
//   3. receipts verified/s offline, beside one bare Ed25519 verification.
// Uses DATABASE_URL (admin) or the local Postgres; no Kafka (records are fed
// to the pipeline as the consumer would hand them over).
import { parseArgs } from 'node:util';

import { domainEventTypes } from '@registry-bus/contracts';
import { ConsumerPipeline, consumerMigrations, protocolVerifier, type IncomingRecord } from '@registry-bus/bus';
import { ReceiptBuilder } from '@registry-bus/kit';
import { Ledger, appendToChainTree, createDataSource, ledgerMigrations, runMigrations } from '@registry-bus/ledger';
import {
  EventTypeRegistry,
  controlEventTypes,
  anchorSignedV1,
  cosignSync,
  encodeRecord,
  fromBase64,
  nodeSigner,
  sealEntrySync,
  testSigner,
  testTrustBundle,
  verifyEd25519Node,
  type SealedEnvelope,
  type InProcessSigner,
} from '@registry-bus/protocol';
import { verifyReceipt, type Receipt } from '@registry-bus/receipts';
import {
  LOCAL_POSTGRES_ADMIN_URL,
  compare,
  createDatabase,
  dropByPrefix,
  measure,
  type BenchRow,
} from '@registry-bus/testing';
import type { DataSource } from 'typeorm';

const land = testSigner('land', 'key-1', nodeSigner);
const notary = testSigner('notary', 'key-1', nodeSigner);
const credit = testSigner('credit', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [land], notary: [notary], credit: [credit] });
const registry = new EventTypeRegistry([
  ...domainEventTypes,
  anchorSignedV1,
  ...['land', 'credit'].flatMap((dept) => controlEventTypes(dept)),
]);
const INGESTED = 20_000;
const RECEIPTS = 1_000;

const parcel = (i: number) => ({
  type: 'gov.land.parcel.registered.v1',
  subject: `B-${i}`,
  data: {
    cadastralNumber: `B-${i}`,
    areaSquareMetres: '500.00',
    location: 'Mtskheta',
    landUse: 'agricultural',
    owners: [{ ownerId: `person:${i}`, share: '1' }],
    basis: { documentType: 'survey', reference: `S-${i}` },
  },
  actor: 'clerk:bench',
});

/** A sealed chain of `count` entries of `chain`, signed by `signer`. */
function sealChain(
  chain: string,
  signer: InProcessSigner,
  count: number,
  make: (seq: number) => ReturnType<typeof parcel>,
) {
  const entries: SealedEnvelope[] = [];
  for (let seq = 1; seq <= count; seq++) {
    entries.push(
      sealEntrySync(
        { chain, seq, prevhash: entries[seq - 2]?.hash ?? new Uint8Array(32), ...make(seq), time: new Date() },
        signer,
      ),
    );
  }
  return entries;
}

const incoming = (entry: SealedEnvelope, offset: number): IncomingRecord => {
  const wire = encodeRecord(entry.envelope, entry.disclosure);
  return {
    topic: `gov.${entry.envelope.chain}.ledger.v2`,
    partition: 0,
    offset: String(offset),
    key: wire.key,
    value: wire.value,
    headers: wire.headers,
  };
};

function pipelineFor(dataSource: DataSource, allowData: boolean): ConsumerPipeline {
  return new ConsumerPipeline({
    dataSource,
    verifier: protocolVerifier({ trustBundle: () => bundle, registry }),
    handlers: [],
    // The notary gets envelopes without data: nobody grants it any.
    policy: { decide: () => (allowData ? { kind: 'allow' } : { kind: 'deny', reason: 'the notary holds no grant' }) },
    onApplied: (entries, manager) =>
      appendToChainTree(
        manager,
        entries[0]!.chain,
        entries[0]!.seq - 1,
        entries.map((entry) => entry.hash),
      ),
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const latencies = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
};
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export default async function notaryBench(
  args: string[],
): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const { values } = parseArgs({ args, options: { entries: { type: 'string', default: '1000000' } } });
  const ledgerSize = Number(values.entries);
  if (!Number.isSafeInteger(ledgerSize) || ledgerSize < 1000) throw new Error('--entries must be an integer ≥ 1000');
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;
  const prefix = `rb_bench_${process.pid}_`;
  const rows: BenchRow[] = [];
  const extra: Record<string, unknown> = { ledgerSize };
  const sources: DataSource[] = [];
  const open = async (name: string) => {
    const url = await createDatabase(adminUrl, `${prefix}${name}`);
    await runMigrations(url, [...ledgerMigrations, ...consumerMigrations]);
    const dataSource = createDataSource({ url, poolSize: 8 });
    await dataSource.initialize();
    sources.push(dataSource);
    return dataSource;
  };
  try {
    // 1. Ingestion by the notary, beside a bare INSERT of the same envelope per record.
    const notaryDb = await open('notary');
    await notaryDb.query('CREATE TABLE bare_received (LIKE received_entry INCLUDING ALL)');
    const chain = sealChain('land', land, INGESTED, parcel);
    const records = chain.map(incoming);
    const bare = await measure('bare INSERT of the envelope, one transaction per record', INGESTED, async () => {
      for (const entry of chain) {
        const e = entry.envelope;
        await notaryDb.query(
          `INSERT INTO bare_received (source_chain, seq, id, type, subject, time, hash, envelope, sig, keyid)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            e.chain,
            e.seq,
            e.id,
            e.type,
            e.subject,
            e.time,
            Buffer.from(entry.hash),
            Buffer.from(entry.canonical),
            Buffer.from(entry.sig),
            e.keyid,
          ],
        );
      }
    });
    const pipeline = pipelineFor(notaryDb, false);
    const ingested = await measure(
      'notary ingestion (verify, continuity, no data, witness tree)',
      INGESTED,
      async () => {
        for (const record of records) {
          const outcome = await pipeline.process(record);
          if (outcome.kind !== 'applied') throw new Error(`record ${record.offset}: ${JSON.stringify(outcome)}`);
        }
      },
    );
    rows.push(bare, compare(ingested, bare));

    // 1b. As the consumer runs since the e2e benchmark: a Kafka batch at a time, clean runs in one transaction,
    // beside a bare multi-row INSERT of the same envelopes, 500 a transaction.
    const batchedDb = await open('notary_batched');
    await batchedDb.query('CREATE TABLE bare_received (LIKE received_entry INCLUDING ALL)');
    const bareBatched = await measure(
      'bare multi-row INSERT of the envelopes, 500 a transaction',
      INGESTED,
      async () => {
        for (let from = 0; from < chain.length; from += 500) {
          const params: unknown[] = [];
          const tuples = chain.slice(from, from + 500).map((entry) => {
            const e = entry.envelope;
            params.push(
              e.chain,
              e.seq,
              e.id,
              e.type,
              e.subject,
              e.time,
              Buffer.from(entry.hash),
              Buffer.from(entry.canonical),
              Buffer.from(entry.sig),
              e.keyid,
            );
            const base = params.length - 10;
            return `(${Array.from({ length: 10 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
          });
          await batchedDb.query(
            `INSERT INTO bare_received (source_chain, seq, id, type, subject, time, hash, envelope, sig, keyid) VALUES ${tuples.join(', ')}`,
            params,
          );
        }
      },
    );
    const batchedPipeline = pipelineFor(batchedDb, false);
    const ingestedBatched = await measure(
      'notary ingestion, 500-record Kafka batches (clean runs in one transaction)',
      INGESTED,
      async () => {
        for (let from = 0; from < records.length; from += 500) {
          const outcomes = await batchedPipeline.processBatch(records.slice(from, from + 500));
          const bad = outcomes.find((outcome) => outcome.kind !== 'applied');
          if (bad || outcomes.length !== Math.min(500, records.length - from))
            throw new Error(`batch at ${from}: ${JSON.stringify(bad ?? outcomes.length)}`);
        }
      },
    );
    rows.push(bareBatched, compare(ingestedBatched, bareBatched), compare(ingestedBatched, ingested));

    // 2. Receipts at a ledger of `ledgerSize` entries.
    const landDb = await open('land');
    const ledger = new Ledger({ dataSource: landDb, chain: 'land', signer: land, trustBundle: () => bundle });
    const built = process.hrtime.bigint();
    for (let from = 0; from < ledgerSize; from += 1000) {
      await ledger.append({
        decide: () => ({
          entries: Array.from({ length: Math.min(1000, ledgerSize - from) }, (_, j) => parcel(from + j + 1)),
        }),
      });
    }
    extra.ledgerBuildSeconds = Number((ms(built) / 1000).toFixed(1));
    const head = await ledger.head();
    // The anchor and one cosignature arrive as they would: through the pipeline, from the notary's and credit's chains.
    const anchor = sealEntrySync(
      {
        chain: 'notary',
        seq: 1,
        prevhash: new Uint8Array(32),
        type: 'gov.notary.anchor.signed.v1',
        subject: 'land',
        data: {
          chain: 'land',
          treeSize: String(head.treeSize),
          root: head.root,
          headSeq: String(head.seq),
          headHash: head.hash,
        },
        actor: 'system:notary',
      },
      notary,
    );
    const statement = {
      anchorChain: 'notary',
      anchorSeq: '1',
      anchorHash: anchor.envelope.hash,
      chain: 'land',
      treeSize: String(head.treeSize),
      root: head.root,
    };
    const cosignature = sealEntrySync(
      {
        chain: 'credit',
        seq: 1,
        prevhash: new Uint8Array(32),
        type: 'gov.credit.witness.cosigned.v1',
        subject: 'anchor:1',
        data: { ...statement, signature: cosignSync(statement, credit) },
        actor: `reaction:${anchor.envelope.id}`,
      },
      credit,
    );
    const landSide = pipelineFor(landDb, true);
    for (const [i, entry] of [anchor, cosignature].entries()) {
      const outcome = await landSide.process(incoming(entry, i));
      if (outcome.kind !== 'applied') throw new Error(`control entry: ${JSON.stringify(outcome)}`);
    }
    const builder = new ReceiptBuilder(ledger, landDb, registry);
    const seqs = Array.from({ length: RECEIPTS }, () => 1 + Math.floor(Math.random() * ledgerSize));
    const bareTimes: number[] = [];
    const bareSelect = await measure(
      `bare SELECT of the entry by key (ledger of ${ledgerSize})`,
      RECEIPTS,
      async () => {
        for (const seq of seqs) {
          const start = process.hrtime.bigint();
          await landDb.query(
            'SELECT * FROM ledger_entry e JOIN ledger_entry_data d USING (chain, seq) WHERE e.chain = $1 AND e.seq = $2',
            ['land', seq],
          );
          bareTimes.push(ms(start));
        }
      },
    );
    const receipts: Receipt[] = [];
    const receiptTimes: number[] = [];
    const receiptRow = await measure(`receipt generation (ledger of ${ledgerSize})`, RECEIPTS, async () => {
      for (const seq of seqs) {
        const start = process.hrtime.bigint();
        const result = await builder.build(seq);
        receiptTimes.push(ms(start));
        if (result.kind !== 'ready') throw new Error(`receipt of ${seq}: ${result.kind}`);
        receipts.push(result.receipt);
      }
    });
    rows.push(bareSelect, compare(receiptRow, bareSelect));
    extra.bareSelectLatencyMs = latencies(bareTimes);
    extra.receiptLatencyMs = latencies(receiptTimes);
    extra.receiptBytes = JSON.stringify(receipts[0]).length;

    // 3. Receipts verified offline, beside one bare Ed25519 verification each.
    const message = new Uint8Array(32);
    const signature = fromBase64(receipts[0]!.entry.envelope.sig);
    const bareVerify = await measure('bare Ed25519 verification (one signature)', receipts.length * 2, () => {
      for (let i = 0; i < receipts.length * 2; i++) verifyEd25519Node(signature, message, land.publicKey);
    });
    const verified = await measure(
      'receipt verification (4 signatures, commitments, inclusion path)',
      receipts.length * 2,
      () => {
        for (let i = 0; i < receipts.length * 2; i++) {
          const verdict = verifyReceipt(receipts[i % receipts.length]!, bundle, verifyEd25519Node);
          if (!verdict.ok) throw new Error(`receipt does not verify: ${JSON.stringify(verdict.failure)}`);
        }
      },
    );
    rows.push(bareVerify, compare(verified, bareVerify));
    extra.note =
      'ratio = ours / bare in the same run; a receipt carries the entry, the anchor and one cosignature (three entry signatures and the cosignature)';
    await ledger.close();
    return { rows, extra };
  } finally {
    for (const dataSource of sources) await dataSource.destroy();
    await dropByPrefix(adminUrl, prefix);
  }
}
