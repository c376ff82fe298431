import { redactionReason, removedByGrants, type AccessPolicy } from '@registry-bus/access';
import { shardOfChain, typeMatches } from '@registry-bus/protocol';
import type { DataSource, EntityManager } from 'typeorm';

import { chainOf, withoutNamespace } from '../topics/topic-names.js';
import { ALARM_CODES, ConsumerCode, codedFailure } from './consumer-codes.js';
import type {
  AccessAuditRecord,
  CodedFailure,
  ConsumedEvent,
  Disclosure,
  EntryVerifier,
  EventHandler,
  GapFiller,
  IncomingRecord,
  VerifiedEntry,
} from './consumer-types.js';

export type PipelineOutcome =
  | { kind: 'applied'; seq: number; handled: boolean; parked?: CodedFailure }
  | { kind: 'duplicate'; seq: number }
  | { kind: 'quarantined'; failure: CodedFailure; alarm: boolean }
  | { kind: 'held'; chain: string; missingFrom: number; missingTo: number };

export interface QuarantineNotice {
  record: IncomingRecord;
  chain?: string;
  seq?: number;
  eventId?: string;
  eventType?: string;
  failure: CodedFailure;
  alarm: boolean;
}

export interface ConsumerPipelineOptions {
  dataSource: DataSource;
  verifier: EntryVerifier;
  handlers: EventHandler[];
  policy: AccessPolicy<VerifiedEntry>;
  gapFiller?: GapFiller;
  /** How long a gap is held while the missing entries are fetched from the owner. */
  gapHoldMs?: number;
  /** Attempts of a failing handler before its event is parked in quarantine (the chain still advances). */
  handlerAttempts?: number;
  /** After the quarantine row is committed: publish to `gov.<dept>.quarantine`, count, log, alarm. */
  onQuarantine?: (notice: QuarantineNotice) => void;
  /**
   * Runs for every applied entry inside its transaction, whatever the grants
   * — several consecutive entries of one chain at once when a run is applied
   * together: a witness appends their hashes to its tree of that chain here.
   */
  onApplied?: (entries: VerifiedEntry[], manager: EntityManager) => Promise<void>;
  /** After an access audit row is committed (a denial or a redaction): count it. */
  onAccessAudit?: (record: AccessAuditRecord) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Prefix of every topic name (see topic-names.ts); the protocol sees names without it. */
  topicNamespace?: string;
}

interface Position {
  seq: number;
  hash: Uint8Array;
}

const GENESIS: Position = { seq: 0, hash: new Uint8Array(32) };
/** Most records applied in one transaction. */
const RUN_LIMIT = 500;

interface CheckedEntry {
  parked: CodedFailure | undefined;
  event: ConsumedEvent | undefined;
  keptDisclosure: Disclosure | undefined;
  audit: AccessAuditRecord | undefined;
}
const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * The consumer pipeline, one record at a time, in the order DESIGN.md fixes:
 * decode → hash → signature → chain continuity → access policy → data check →
 * schema and upcasting → inbox de-duplication, handler and position in one
 * transaction.
 *
 * - same seq, same hash: a duplicate, skipped silently;
 * - same seq, different hash (or a broken prevhash link): equivocation —
 *   quarantined with an alarm, never skipped silently;
 * - a gap: held while the missing entries are fetched from the owner; if they
 *   cannot be had, an alarm and the record is left unacknowledged;
 * - a data, schema or access failure after the signature checked: the chain
 *   advances (the envelope is kept), the data is not kept, the reason is
 *   recorded in quarantine in the same transaction.
 */
export class ConsumerPipeline {
  private readonly positions = new Map<string, Position>();
  private readonly gapHoldMs: number;
  private readonly handlerAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ConsumerPipelineOptions) {
    this.gapHoldMs = options.gapHoldMs ?? 5000;
    this.handlerAttempts = options.handlerAttempts ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Where this consumer stands on a chain (0 before its first entry). */
  async position(chain: string): Promise<Position> {
    const cached = this.positions.get(chain);
    if (cached) return cached;
    const rows: Array<{ seq: string; hash: Buffer }> = await this.options.dataSource.query(
      'SELECT seq, hash FROM consumer_position WHERE source_chain = $1',
      [chain],
    );
    const position = rows[0] ? { seq: Number(rows[0].seq), hash: new Uint8Array(rows[0].hash) } : GENESIS;
    this.positions.set(chain, position);
    return position;
  }

  /** Kafka offsets to resume from: the offset after the last applied record of each (topic, partition). */
  async storedOffsets(): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    // Quarantined records count as read too, so a restart does not quarantine them twice.
    const rows: Array<{ topic: string; kafka_partition: number; kafka_offset: string }> =
      await this.options.dataSource.query(
        `SELECT topic, kafka_partition, max(kafka_offset) AS kafka_offset FROM (
         SELECT topic, kafka_partition, kafka_offset FROM consumer_position
         UNION ALL
         SELECT topic, kafka_partition, kafka_offset FROM consumer_quarantine WHERE code <> '${ConsumerCode.GAP_UNFILLED}'
       ) AS read GROUP BY topic, kafka_partition`,
      );
    return rows.map((row) => ({
      topic: row.topic,
      partition: row.kafka_partition,
      offset: String(BigInt(row.kafka_offset) + 1n),
    }));
  }

  /** Forgets cached positions, e.g. after a rebalance or a restore. */
  resetCache(): void {
    this.positions.clear();
  }

  async process(record: IncomingRecord): Promise<PipelineOutcome> {
    const verified = this.verify(record);
    if ('failure' in verified)
      return this.quarantine({
        record,
        failure: codedFailure(verified.failure, ConsumerCode.UNDECODABLE),
        alarm: false,
      });
    return this.processVerified(record, verified.entry);
  }

  /**
   * A run of records of one partition, in order, as Kafka hands them over.
   * Records that verify and continue their chain exactly are applied
   * together, in one transaction (one WAL flush for the run instead of one
   * per record: what made the consumer the slowest stage of the bus, see
   * docs/BENCHMARKS.md); each is decided, checked and recorded exactly as
   * `process` would, in order. A record with handlers (a reaction, a query
   * answer…), one that changes the access policy (a grant) and one that
   * does not continue its chain go through `process` one at a time, as
   * before (a handler retried, or parked). Stops after
   * a 'held' outcome: the records after it are not processed.
   */
  async processBatch(records: readonly IncomingRecord[]): Promise<PipelineOutcome[]> {
    const outcomes: PipelineOutcome[] = [];
    let i = 0;
    while (i < records.length) {
      const run = await this.cleanRun(records, i);
      if (run.length > 1) {
        const applied = await this.applyRun(run);
        if (applied.length > 0) {
          outcomes.push(...applied);
          i += applied.length;
          continue;
        }
      }
      const first = run[0];
      const outcome = first ? await this.processVerified(first.record, first.entry) : await this.process(records[i]!);
      outcomes.push(outcome);
      i++;
      if (outcome.kind === 'held') break;
    }
    return outcomes;
  }

  private verify(record: IncomingRecord): { entry: VerifiedEntry } | { failure: unknown } {
    const namespace = this.options.topicNamespace ?? '';
    try {
      return { entry: this.options.verifier.verify({ ...record, topic: withoutNamespace(record.topic, namespace) }) };
    } catch (error) {
      return { failure: error };
    }
  }

  private expectedChain(record: IncomingRecord, entry: VerifiedEntry): string {
    try {
      return chainOf(
        record.topic,
        record.partition,
        shardOfChain(entry.chain) !== undefined,
        this.options.topicNamespace ?? '',
      );
    } catch {
      return '';
    }
  }

  /** The longest prefix of records[from…] that verify, continue their chain and need no handler (at most 500). */
  private async cleanRun(
    records: readonly IncomingRecord[],
    from: number,
  ): Promise<Array<{ record: IncomingRecord; entry: VerifiedEntry }>> {
    const run: Array<{ record: IncomingRecord; entry: VerifiedEntry }> = [];
    const ahead = new Map<string, Position>();
    for (let j = from; j < records.length && run.length < RUN_LIMIT; j++) {
      const record = records[j]!;
      const verified = this.verify(record);
      if (!('entry' in verified)) break;
      const { entry } = verified;
      if (entry.chain !== this.expectedChain(record, entry)) break;
      const position = ahead.get(entry.chain) ?? (await this.position(entry.chain));
      if (entry.seq !== position.seq + 1 || !equalBytes(entry.prevhash, position.hash)) break;
      const withHandlers = this.options.handlers.some((h) =>
        h.types.some((pattern) => typeMatches(pattern, entry.type)),
      );
      if (withHandlers || this.changesPolicy(entry)) {
        // Alone: a handler through the path that retries and parks it; a grant so that a failed transaction
        // never leaves the entries before it to be decided again under it.
        if (run.length === 0) run.push({ record, entry });
        break;
      }
      run.push({ record, entry });
      ahead.set(entry.chain, { seq: entry.seq, hash: entry.hash });
    }
    return run;
  }

  private changesPolicy(entry: VerifiedEntry): boolean {
    const { policy } = this.options;
    if (!policy.observe) return false;
    return policy.changesWith ? policy.changesWith(entry) : true;
  }

  /**
   * Applies a clean run, or its prefix up to an entry whose (upcast) event
   * has handlers after all, in one transaction; returns the outcomes of what
   * it applied.
   */
  private async applyRun(run: Array<{ record: IncomingRecord; entry: VerifiedEntry }>): Promise<PipelineOutcome[]> {
    const done = await this.options.dataSource.transaction(async (manager) => {
      const out: Array<{ entry: VerifiedEntry; record: IncomingRecord; checked: CheckedEntry }> = [];
      for (const { record, entry } of run) {
        // Decided in order: the policy has seen the entries before this one (a grant counts for what follows).
        const checked = this.check(entry);
        const eventType = checked.event?.type;
        if (eventType && this.options.handlers.some((h) => h.types.some((pattern) => typeMatches(pattern, eventType))))
          break;
        await this.options.policy.observe?.(entry, checked.event?.data, manager);
        out.push({ entry, record, checked });
      }
      if (out.length > 0) await this.commitRun(manager, out);
      return out;
    });
    return done.map(({ entry, record, checked }) => {
      this.positions.set(entry.chain, { seq: entry.seq, hash: entry.hash });
      if (checked.parked) this.notifyQuarantine(record, entry, checked.parked, false);
      if (checked.audit) this.options.onAccessAudit?.(checked.audit);
      return { kind: 'applied', seq: entry.seq, handled: false, ...(checked.parked ? { parked: checked.parked } : {}) };
    });
  }

  /**
   * The rows of a run without handlers, written as `commit` writes them for
   * one entry — envelopes, kept data, audits, parked data, the witness tree,
   * the position — but a statement per table instead of one per entry.
   */
  private async commitRun(
    manager: EntityManager,
    items: Array<{ entry: VerifiedEntry; record: IncomingRecord; checked: CheckedEntry }>,
  ): Promise<void> {
    const entries = items.map((item) => item.entry);
    await manager.query(
      `INSERT INTO received_entry (source_chain, seq, id, type, subject, time, hash, envelope, sig, keyid)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],
                            $7::bytea[], $8::bytea[], $9::bytea[], $10::text[])`,
      [
        entries.map((e) => e.chain),
        entries.map((e) => e.seq),
        entries.map((e) => e.id),
        entries.map((e) => e.type),
        entries.map((e) => e.subject),
        entries.map((e) => e.time),
        entries.map((e) => toBuffer(e.hash)),
        entries.map((e) => toBuffer(e.envelope)),
        entries.map((e) => toBuffer(e.sig)),
        entries.map((e) => e.keyid),
      ],
    );
    const kept = items.filter((item) => item.checked.keptDisclosure);
    if (kept.length > 0) {
      await manager.query(
        `INSERT INTO received_entry_data (source_chain, seq, disclosure)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])`,
        [
          kept.map((item) => item.entry.chain),
          kept.map((item) => item.entry.seq),
          kept.map((item) => Buffer.from(JSON.stringify(item.checked.keptDisclosure))),
        ],
      );
    }
    await insertAudits(
      manager,
      items.flatMap((item) => (item.checked.audit ? [item.checked.audit] : [])),
    );
    for (const { entry, record, checked } of items) {
      // Rare (data that failed its checks): one statement each, as `commit` does.
      if (checked.parked)
        await insertQuarantine(manager, {
          record,
          chain: entry.chain,
          seq: entry.seq,
          eventId: entry.id,
          eventType: entry.type,
          failure: checked.parked,
          alarm: false,
        });
    }
    for (const chain of new Set(entries.map((e) => e.chain))) {
      const ofChain = items.filter((item) => item.entry.chain === chain);
      await this.options.onApplied?.(
        ofChain.map((item) => item.entry),
        manager,
      );
      const last = ofChain.at(-1)!;
      await upsertPosition(manager, last.entry, last.record);
    }
  }

  private async processVerified(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    const expectedChain = this.expectedChain(record, entry);
    if (entry.chain !== expectedChain) {
      return this.quarantine({
        record,
        chain: entry.chain,
        seq: entry.seq,
        eventId: entry.id,
        eventType: entry.type,
        failure: {
          code: ConsumerCode.WRONG_SOURCE,
          reason: `an entry of chain '${entry.chain}' arrived on ${record.topic} partition ${record.partition}`,
        },
        alarm: false,
      });
    }

    const position = await this.position(entry.chain);
    if (entry.seq <= position.seq) return this.alreadySeen(record, entry);
    if (entry.seq > position.seq + 1) {
      const filled = await this.fillGap(entry.chain, position.seq + 1, entry.seq - 1);
      if (!filled) {
        const failure = {
          code: ConsumerCode.GAP_UNFILLED,
          reason: `entries ${position.seq + 1}..${entry.seq - 1} of chain '${entry.chain}' are missing and could not be fetched from the owner`,
        };
        this.options.onQuarantine?.({
          record,
          chain: entry.chain,
          seq: entry.seq,
          eventId: entry.id,
          eventType: entry.type,
          failure,
          // No signed evidence of anything removed: a check not made yet, retried when the partition is read again.
          alarm: false,
        });
        return { kind: 'held', chain: entry.chain, missingFrom: position.seq + 1, missingTo: entry.seq - 1 };
      }
      return this.processVerified(record, entry);
    }
    if (!equalBytes(entry.prevhash, position.hash)) {
      return this.quarantine({
        record,
        chain: entry.chain,
        seq: entry.seq,
        eventId: entry.id,
        eventType: entry.type,
        failure: {
          code: ConsumerCode.EQUIVOCATION,
          reason: `seq ${entry.seq} of '${entry.chain}' links to prevhash ${hex(entry.prevhash)}, but seq ${position.seq} has hash ${hex(position.hash)}: the chain was rewritten`,
        },
        alarm: true,
      });
    }
    return this.apply(record, entry);
  }

  private async alreadySeen(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    const rows: Array<{ hash: Buffer }> = await this.options.dataSource.query(
      'SELECT hash FROM received_entry WHERE source_chain = $1 AND seq = $2',
      [entry.chain, entry.seq],
    );
    const known = rows[0] ? new Uint8Array(rows[0].hash) : undefined;
    if (known && equalBytes(known, entry.hash)) return { kind: 'duplicate', seq: entry.seq };
    return this.quarantine({
      record,
      chain: entry.chain,
      seq: entry.seq,
      eventId: entry.id,
      eventType: entry.type,
      failure: {
        code: ConsumerCode.EQUIVOCATION,
        reason: known
          ? `seq ${entry.seq} of '${entry.chain}' was received with hash ${hex(known)} and now again with hash ${hex(entry.hash)}: the owner signed two histories`
          : `seq ${entry.seq} of '${entry.chain}' is behind this consumer's position but unknown to it`,
      },
      alarm: true,
    });
  }

  private async fillGap(chain: string, fromSeq: number, toSeq: number): Promise<boolean> {
    const filler = this.options.gapFiller;
    if (!filler) return false;
    const deadline = Date.now() + this.gapHoldMs;
    let delay = 100;
    while (Date.now() < deadline) {
      try {
        const records = await filler.fetch(chain, fromSeq, toSeq);
        for (const missing of records) {
          const outcome = await this.process(missing);
          if (outcome.kind === 'held') return false;
        }
        if ((await this.position(chain)).seq >= toSeq) return true;
      } catch {
        // The owner is away: keep holding until the deadline.
      }
      await this.sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, 2000);
    }
    return (await this.position(chain)).seq >= toSeq;
  }

  /**
   * The access decision and the data checks of a verified, in-order entry:
   * what of its data is kept, the event handlers see, what is audited, and
   * why the data was parked (the chain advances whatever happens to it).
   */
  private check(entry: VerifiedEntry): CheckedEntry {
    let parked: CodedFailure | undefined;
    let event: ConsumedEvent | undefined;
    let keptDisclosure: Disclosure | undefined;

    const decision = this.options.policy.decide(entry);
    let audit: AccessAuditRecord | undefined;
    if (decision.kind === 'deny') {
      // Not a fault: the owner did not grant it. The envelope and hash are kept, the data is not.
      audit = {
        chain: entry.chain,
        seq: entry.seq,
        eventType: entry.type,
        decision: 'denied',
        grantIds: [],
        removedFields: [],
        reason: decision.reason,
      };
    } else if (entry.disclosure) {
      try {
        keptDisclosure = this.options.verifier.checkData(entry, decision.kind === 'redact' ? decision.fields : 'all');
        const partial = Object.keys(keptDisclosure.withheld).length > 0;
        const validated = this.options.verifier.validateData(entry.type, keptDisclosure.fields, partial);
        if (decision.kind === 'redact') {
          const removedFields = removedByGrants(entry.disclosure.withheld, keptDisclosure.withheld);
          if (removedFields.length > 0) {
            audit = {
              chain: entry.chain,
              seq: entry.seq,
              eventType: entry.type,
              decision: 'redacted',
              grantIds: decision.grantIds ?? [],
              removedFields,
              reason: redactionReason(decision.fields),
            };
          }
        }
        event = {
          entry,
          type: validated.type,
          data: validated.data,
          redacted: partial,
        };
      } catch (error) {
        parked = codedFailure(error, 'PROTOCOL.DATA_INVALID');
        keptDisclosure = undefined;
      }
    }

    return { parked, event, keptDisclosure, audit };
  }

  /** Applies a verified, in-order entry: the chain advances whatever happens to its data. */
  private async apply(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    const checked = this.check(entry);
    let { parked, event } = checked;
    const { keptDisclosure, audit } = checked;
    const handlers = event
      ? this.options.handlers.filter((h) => h.types.some((pattern) => typeMatches(pattern, event!.type)))
      : [];
    for (let attempt = 1; ; attempt++) {
      try {
        const handled = await this.options.dataSource.transaction((manager) =>
          this.commit(manager, record, entry, keptDisclosure, event, handlers, parked, audit),
        );
        this.positions.set(entry.chain, { seq: entry.seq, hash: entry.hash });
        if (parked) this.notifyQuarantine(record, entry, parked, false);
        if (audit) this.options.onAccessAudit?.(audit);
        return { kind: 'applied', seq: entry.seq, handled, ...(parked ? { parked } : {}) };
      } catch (error) {
        if (!isHandlerError(error)) throw error; // the database is away: the caller retries the record later
        if (attempt < this.handlerAttempts) {
          await this.sleep(100 * attempt);
          continue;
        }
        // No silent infinite redelivery: park the event with the handler's reason and move on.
        parked = {
          code: ConsumerCode.HANDLER_FAILED,
          reason: error.cause instanceof Error ? error.cause.message : String(error.cause),
        };
        event = undefined;
        handlers.length = 0;
      }
    }
  }

  private async commit(
    manager: EntityManager,
    record: IncomingRecord,
    entry: VerifiedEntry,
    disclosure: Disclosure | undefined,
    event: ConsumedEvent | undefined,
    handlers: EventHandler[],
    parked: CodedFailure | undefined,
    audit: AccessAuditRecord | undefined,
  ): Promise<boolean> {
    await manager.query(
      `INSERT INTO received_entry (source_chain, seq, id, type, subject, time, hash, envelope, sig, keyid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.chain,
        entry.seq,
        entry.id,
        entry.type,
        entry.subject,
        entry.time,
        toBuffer(entry.hash),
        toBuffer(entry.envelope),
        toBuffer(entry.sig),
        entry.keyid,
      ],
    );
    if (disclosure) {
      await manager.query('INSERT INTO received_entry_data (source_chain, seq, disclosure) VALUES ($1, $2, $3)', [
        entry.chain,
        entry.seq,
        Buffer.from(JSON.stringify(disclosure)),
      ]);
    }
    if (audit) await insertAudits(manager, [audit]);
    await this.options.policy.observe?.(entry, event?.data, manager);
    await this.options.onApplied?.([entry], manager);

    let handled = false;
    if (event && handlers.length > 0) {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO consumer_inbox (event_id, source_chain, seq) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
        [entry.id, entry.chain, entry.seq],
      );
      if (inserted.length === 0) {
        parked = {
          code: ConsumerCode.DUPLICATE_EVENT_ID,
          reason: `event id ${entry.id} was already handled at another position`,
        };
      } else {
        for (const handler of handlers) {
          try {
            await handler.handle(event, manager);
          } catch (cause) {
            // The handler's own infrastructure is away (its ledger, its database): retry the record later
            // like any database failure, never park it — parking would lose the reaction.
            if (isRetryable(cause)) throw cause;
            throw new HandlerError(cause);
          }
        }
        handled = true;
      }
    }
    if (parked) {
      await insertQuarantine(manager, {
        record,
        chain: entry.chain,
        seq: entry.seq,
        eventId: entry.id,
        eventType: entry.type,
        failure: parked,
        alarm: false,
      });
    }
    await upsertPosition(manager, entry, record);
    return handled;
  }

  private async quarantine(notice: QuarantineNotice): Promise<PipelineOutcome> {
    await this.options.dataSource.transaction((manager) => insertQuarantine(manager, notice));
    this.options.onQuarantine?.(notice);
    return {
      kind: 'quarantined',
      failure: notice.failure,
      alarm: notice.alarm || ALARM_CODES.has(notice.failure.code),
    };
  }

  private notifyQuarantine(record: IncomingRecord, entry: VerifiedEntry, failure: CodedFailure, alarm: boolean): void {
    this.options.onQuarantine?.({
      record,
      chain: entry.chain,
      seq: entry.seq,
      eventId: entry.id,
      eventType: entry.type,
      failure,
      alarm,
    });
  }
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('event handler failed', { cause });
  }
}

function isHandlerError(error: unknown): error is HandlerError {
  return error instanceof HandlerError;
}

/** Denials and redactions, in one statement (a department without grants has one for every entry it follows). */
async function insertAudits(manager: EntityManager, audits: AccessAuditRecord[]): Promise<void> {
  if (audits.length === 0) return;
  const params: unknown[] = [];
  const tuples = audits.map((audit) => {
    params.push(
      audit.chain,
      audit.seq,
      audit.eventType,
      audit.decision,
      audit.grantIds,
      audit.removedFields,
      audit.reason,
    );
    const base = params.length - 7;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::text[], $${base + 6}::text[], $${base + 7})`;
  });
  await manager.query(
    `INSERT INTO access_audit (source_chain, seq, event_type, decision, grant_ids, removed_fields, reason)
     VALUES ${tuples.join(', ')}`,
    params,
  );
}

/** The consumer's position on the entry's chain, committed with what was applied. */
async function upsertPosition(manager: EntityManager, entry: VerifiedEntry, record: IncomingRecord): Promise<void> {
  await manager.query(
    `INSERT INTO consumer_position (source_chain, seq, hash, topic, kafka_partition, kafka_offset, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (source_chain) DO UPDATE
       SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, topic = EXCLUDED.topic,
           kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset, updated_at = now()`,
    [entry.chain, entry.seq, toBuffer(entry.hash), record.topic, record.partition, record.offset],
  );
}

async function insertQuarantine(manager: EntityManager, notice: QuarantineNotice): Promise<void> {
  const { record } = notice;
  await manager.query(
    `INSERT INTO consumer_quarantine (topic, kafka_partition, kafka_offset, source_chain, seq, event_id, event_type, code, reason, alarm, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      record.topic,
      record.partition,
      record.offset,
      notice.chain ?? null,
      notice.seq ?? null,
      notice.eventId ?? null,
      notice.eventType ?? null,
      notice.failure.code,
      notice.failure.reason,
      notice.alarm || ALARM_CODES.has(notice.failure.code),
      record.value ? Buffer.from(record.value) : null,
    ],
  );
}
