import { rootAt } from '@registry-bus/merkle';
import { receivedCosignatures } from '@registry-bus/bus';
import {
  PgNodeReader,
  entriesWithFields,
  restoreEntries,
  type LedgerReader,
  type SealedEntry,
  type StoredEntry,
} from '@registry-bus/ledger';
import {
  canonicalize,
  checkDisclosure,
  decodeRecord,
  departmentOfChain,
  departmentOfSource,
  envelopeFromStored,
  fromHex,
  parseDisclosure,
  quorumOf,
  toHex,
  typeMatches,
  utf8,
  verifyEd25519Node,
  compromiseRuling,
  findKey,
  verifyEnvelope,
  verifyEnvelopeSignature,
  parseStrictJsonBytes,
  type SignedEnvelope,
  type TrustBundle,
} from '@registry-bus/protocol';
import { cosignatureHolds, type ReceiptEntry } from '@registry-bus/receipts';
import type { DataSource, EntityManager } from 'typeorm';

import { loadStoredState, saveState, type Aggregate, type DomainEvent } from '../commands/aggregate.js';
import type { RecoveryReport } from './recovery-report.js';
import type { RecoverySource } from './recovery-source.js';

export { combinedReport, type RecoveryReport } from './recovery-report.js';

/** Recovery stopped before opening: the topic's history cannot be trusted as it is. */
export class RecoveryRefused extends Error {
  override readonly name = 'RecoveryRefused';
}

export interface RecoveryContext {
  department: string;
  /** The chain to rebuild: the department's own (the default), or one of its shards. */
  chain?: string;
  /**
   * Whether to replay the aggregates recorded in every chain (access
   * grants): from one shard only, or their states would be evolved once per
   * shard. Default true.
   */
  replaysEveryChainAggregates?: boolean;
  /** The department's own records: its topic, or the mirrors of its chain. */
  source: RecoverySource;
  /** The notary's records, for its anchors of this chain: its topic, or the mirrors of its chain. */
  anchors: RecoverySource;
  /**
   * Whether the restored entries are on the department's topic already (read
   * back from it). From mirrors they are not: the relay publishes them again.
   */
  published: boolean;
  dataSource: DataSource;
  reader: LedgerReader;
  trust: TrustBundle;
  aggregates: ReadonlyArray<Aggregate<unknown, DomainEvent, unknown>>;
  log: (message: string, details?: Record<string, unknown>) => void;
}

const BATCH = 500;

/**
 * Rebuilds a department's ledger from its own topic, or from the mirrors
 * other departments keep of it when the topic is gone too (DESIGN.md,
 * "Recovery"): every record decoded and verified — hash, signature with a key valid at
 * its time, the link to the entry before, the data against its commitment —
 * and appended in order after what the database still holds; duplicates
 * (the relay publishes at least once) skipped; a gap, a second version of a
 * seq or a broken link refused. Then every notary anchor of the chain (from
 * the notary's topic, or its mirrors) is held against the rebuilt tree, and the
 * aggregates' states and read models are replayed from the entries. The
 * caller opens for writes only after this returns.
 */
export async function recoverLedger(context: RecoveryContext): Promise<RecoveryReport> {
  const started = Date.now();
  const { department, dataSource, reader } = context;
  const chain = context.chain ?? department;
  const head = await reader.head(chain);
  const before = head?.seq ?? 0;
  let size = before;
  let lastHash = head ? toHex(head.hash) : '0'.repeat(64);
  const report: RecoveryReport = {
    department,
    ...(chain !== department ? { chain } : {}),
    source: context.source.name,
    before,
    restored: 0,
    head: before,
    records: 0,
    duplicates: 0,
    idempotencyKeys: 0,
    dataMissing: [],
    anchors: { checked: 0, latest: null },
    projections: {},
    unclaimedTypes: {},
    ms: 0,
  };
  context.log(`recovering ${chain} from ${context.source.name}: the database holds ${before} entries`);

  const hashAt = async (seq: number): Promise<string | undefined> => {
    const entry = await reader.entry(chain, seq);
    return entry ? toHex(entry.hash) : undefined;
  };

  const claim = claimer(context);
  const rebuilt = new Set<string>();
  let pending: StoredEntry[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await restoreEntries(runner, chain, batch[0]!.seq - 1, batch, { published: context.published });
      // In the same transaction as the entries: a state is written only with the entry it stands at (#27).
      await replayProjections(runner.manager, claim, batch, report, rebuilt);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
    report.restored += batch.length;
  };

  report.records = await context.source.read(async (records) => {
    for (const record of records) {
      const { where } = record;
      let decoded;
      try {
        decoded = decodeRecord({ key: record.key, value: record.value });
      } catch (error) {
        throw new RecoveryRefused(`${where} is not a readable entry: ${(error as Error).message}`);
      }
      const { envelope, disclosure } = decoded;
      const seq = Number(envelope.seq);
      if (departmentOfSource(envelope.source) !== department || envelope.chain !== chain)
        throw new RecoveryRefused(
          `${where} is an entry of ${envelope.source} (chain ${envelope.chain}), not of ${chain}`,
        );
      // A stolen key's entry that the bundle's compromise revocation does not vouch for (issue #24): not part of
      // the history, whatever time it claims; the department's own entry at that seq follows it on the topic.
      const ruling = compromiseOf(envelope, context.trust);
      if (ruling.kind === 'unvouched') {
        (report.refused ??= []).push({ seq, hash: envelope.hash, reason: ruling.reason });
        context.log(`${where}: entry ${seq} skipped: ${ruling.reason}`);
        continue;
      }
      if (seq <= size) {
        // Published again (at least once), or already in the database: it must be the very same entry.
        const known = seq > before ? pending.find((e) => e.seq === seq) : undefined;
        const knownHash = known ? toHex(known.hash) : seq === size ? lastHash : await hashAt(seq);
        if (knownHash !== envelope.hash)
          throw new RecoveryRefused(
            `${where} is a second version of entry ${seq} (hash ${envelope.hash}, ${seq > before ? 'an earlier record' : 'the database'} has ${knownHash}): history was rewritten`,
          );
        report.duplicates++;
        continue;
      }
      if (seq !== size + 1)
        throw new RecoveryRefused(`${where} is entry ${seq} but ${size + 1} is missing: the topic has a gap`);
      if (envelope.prevhash !== lastHash)
        throw new RecoveryRefused(
          `${where}: entry ${seq} does not link to entry ${size} (prevhash ${envelope.prevhash})`,
        );
      let verified;
      try {
        // Vouched for after its key was stolen: its signature must hold, the revocation does not touch it.
        verified =
          ruling.kind === 'vouched'
            ? verifyEnvelopeSignature(envelope, context.trust, verifyEd25519Node)
            : verifyEnvelope(envelope, context.trust, verifyEd25519Node);
        if (disclosure) checkDisclosure(disclosure, envelope.datadigest);
      } catch (error) {
        throw new RecoveryRefused(`${where}: entry ${seq} fails verification: ${(error as Error).message}`);
      }
      // A redacted view (a mirror granted some fields) proves what it shows, but the ledger keeps whole data only.
      const data = disclosure && Object.keys(disclosure.withheld).length === 0 ? disclosure : undefined;
      if (!data) report.dataMissing.push({ seq, type: envelope.type });
      const { idempotency } = record;
      if (idempotency) report.idempotencyKeys++;
      pending.push({
        chain,
        seq,
        id: envelope.id,
        type: envelope.type,
        subject: envelope.subject,
        time: new Date(envelope.time),
        hash: fromHex(envelope.hash),
        envelope: verified.canonical,
        sig: verified.sig,
        keyid: envelope.keyid,
        ...(data ? { disclosure: utf8(canonicalize(data)) } : {}),
        ...(idempotency ? { idempotency } : {}),
      });
      size = seq;
      lastHash = envelope.hash;
      if (pending.length >= BATCH) await flush();
    }
  }, before);
  await flush();
  report.head = size;
  context.log(`read ${report.records} records: ${report.restored} entries restored, ${report.duplicates} duplicates`);

  if (rebuilt.size > 0)
    context.log(`rebuilt ${rebuilt.size} aggregate states and their read models`, { projections: report.projections });
  await checkAnchors(context, size, report);
  report.ms = Date.now() - started;
  return report;
}

/**
 * Holds the rebuilt tree to every anchor of this chain on the notary's
 * topic, checks the cosignatures of the latest one that this database holds
 * (a cosignature that does not verify refuses the recovery) and reports
 * their quorum (too few is said, not refused: the anchors themselves held).
 */
async function checkAnchors(context: RecoveryContext, size: number, report: RecoveryReport): Promise<void> {
  const { department, dataSource } = context;
  const chain = context.chain ?? department;
  const anchors: Array<{ notarySeq: number; treeSize: number; root: string; anchoredAt: string; entry: ReceiptEntry }> =
    [];
  await context.anchors.read(async (records) => {
    for (const record of records) {
      let decoded;
      try {
        decoded = decodeRecord({ key: record.key, value: record.value });
      } catch {
        continue; // The notary's own consumers quarantine what is unreadable; recovery only needs anchors.
      }
      const { envelope, disclosure } = decoded;
      if (envelope.type !== 'gov.notary.anchor.signed.v1' || !disclosure) continue;
      const fields = disclosure.fields as { chain?: string; treeSize?: string; root?: string };
      if (fields.chain !== chain) continue;
      try {
        verifyEnvelope(envelope, context.trust, verifyEd25519Node);
        checkDisclosure(disclosure, envelope.datadigest);
      } catch (error) {
        throw new RecoveryRefused(`an anchor (${record.where}) fails verification: ${(error as Error).message}`);
      }
      if (departmentOfSource(envelope.source) !== 'notary') continue;
      anchors.push({
        notarySeq: Number(envelope.seq),
        treeSize: Number(fields.treeSize),
        root: fields.root ?? '',
        anchoredAt: envelope.time,
        entry: { envelope, disclosure },
      });
    }
  });
  const tree = new PgNodeReader(dataSource, chain);
  for (const anchor of anchors) {
    if (anchor.treeSize > size)
      throw new RecoveryRefused(
        `the notary anchored ${anchor.treeSize} entries of ${chain} (anchor ${anchor.notarySeq}), ${context.source.name} gave back only ${size}: entries were lost from it`,
      );
    const root = toHex(await rootAt(tree, anchor.treeSize));
    if (root !== anchor.root)
      throw new RecoveryRefused(
        `the rebuilt ledger's root at ${anchor.treeSize} entries is ${root}, the notary anchored ${anchor.root} (anchor ${anchor.notarySeq}): the history read back is not the one anchored`,
      );
    report.anchors.checked++;
  }
  const latest = anchors.at(-1);
  if (latest) {
    // The cosignatures of it this database holds: its own (it follows the notary) and those it received.
    const anchorSeq = String(latest.notarySeq);
    const own = await entriesWithFields(dataSource, {
      department,
      type: `gov.${department}.witness.cosigned.v1`,
      fields: { anchorSeq },
    });
    const rows = [...own, ...(await receivedCosignatures(dataSource, [anchorSeq]))];
    const witnessedBy: string[] = [];
    for (const row of rows) {
      const cosignature: ReceiptEntry = {
        envelope: envelopeFromStored(row.envelope, row.hash, row.sig, row.keyid),
        disclosure: parseDisclosure(parseStrictJsonBytes(row.disclosure!, 'a stored cosignature')),
      };
      const witness = cosignatureHolds(cosignature, latest.entry, context.trust, verifyEd25519Node);
      if (witness === undefined)
        throw new RecoveryRefused(
          `the cosignature of anchor ${latest.notarySeq} by ${departmentOfChain(cosignature.envelope.chain)} (${cosignature.envelope.chain} seq ${cosignature.envelope.seq}) does not verify: it is not a witness's statement of the anchored root`,
        );
      if (!witnessedBy.includes(witness)) witnessedBy.push(witness);
    }
    const quorum = quorumOf(context.trust, chain, witnessedBy);
    report.anchors.latest = {
      notarySeq: latest.notarySeq,
      treeSize: latest.treeSize,
      anchoredAt: latest.anchoredAt,
      witnessedBy,
      quorum: { required: quorum.required, counted: quorum.counted, met: quorum.met, text: quorum.text },
    };
    context.log(`the latest anchor's ${quorum.text}`);
  }
  context.log(
    anchors.length === 0
      ? `no notary anchor of ${chain} in ${context.anchors.name}: nothing to hold the rebuilt ledger to`
      : `the rebuilt ledger matches all ${anchors.length} notary anchors of ${chain} (latest at ${latest!.treeSize} entries)`,
  );
}

/** The aggregate whose state an entry type moves, if any. */
function claimer(context: RecoveryContext) {
  const replaysShared = context.replaysEveryChainAggregates ?? true;
  return (type: string) =>
    context.aggregates.find(
      (aggregate) =>
        (replaysShared || !aggregate.inEveryChain) &&
        (aggregate.eventTypes ?? []).some((pattern) => typeMatches(pattern, type)),
    );
}

/**
 * Replays a batch of restored entries into their aggregates' states and
 * read models, inside the transaction that inserted them: the same evolve
 * (and positioned) and project the commands ran, in seq order, per subject,
 * starting from whatever state the database still had.
 */
async function replayProjections(
  manager: EntityManager,
  claim: ReturnType<typeof claimer>,
  batch: readonly StoredEntry[],
  report: RecoveryReport,
  rebuilt: Set<string>,
) {
  interface Replay {
    aggregate: Aggregate<unknown, DomainEvent, unknown>;
    subject: string;
    events: DomainEvent[];
    entries: SealedEntry[];
  }
  const replays = new Map<string, Replay>();
  for (const entry of batch) {
    const aggregate = claim(entry.type);
    if (!aggregate) {
      report.unclaimedTypes[entry.type] = (report.unclaimedTypes[entry.type] ?? 0) + 1;
      continue;
    }
    if (!entry.disclosure) continue; // Its data was not on the topic: reported by name above.
    const key = `${aggregate.name}\u0000${entry.subject}`;
    const replay = replays.get(key) ?? { aggregate, subject: entry.subject, events: [], entries: [] };
    const data = parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a recovered disclosure')).fields;
    replay.events.push({ type: entry.type, data });
    replay.entries.push({ ...entry, disclosure: entry.disclosure });
    replays.set(key, replay);
    rebuilt.add(key);
    report.projections[aggregate.name] = (report.projections[aggregate.name] ?? 0) + 1;
  }
  for (const { aggregate, subject, events, entries } of replays.values()) {
    let state =
      (await loadStoredState<unknown>(manager, aggregate.name, subject))?.state ?? aggregate.decider.initialState;
    events.forEach((event, i) => {
      state = aggregate.decider.evolve(state, event);
      if (aggregate.positioned) state = aggregate.positioned(state, { chain: entries[i]!.chain, seq: entries[i]!.seq });
    });
    const last = entries.at(-1)!;
    await saveState(manager, aggregate.name, subject, state, { chain: last.chain, seq: last.seq });
    await aggregate.project?.(manager, subject, state, events, entries);
  }
}

/** What the bundle's compromise revocations say of an entry (not-named for a key that was never stolen, or unknown). */
function compromiseOf(envelope: SignedEnvelope, trust: TrustBundle) {
  try {
    const key = findKey(trust, envelope.keyid, departmentOfSource(envelope.source) ?? '');
    return compromiseRuling(key, envelope.chain, Number(envelope.seq), envelope.hash);
  } catch {
    return { kind: 'not-named' } as const; // an unknown key fails verification below, with its reason
  }
}
