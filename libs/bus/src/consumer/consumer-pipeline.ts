import {
  ProtocolErrorCode,
  compromiseRuling,
  judgeAtReceipt,
  shardOfChain,
  typeMatches,
  validWhenAnchored,
} from '@registry-bus/protocol';
import type { EntityManager } from 'typeorm';

import { chainOf, withoutNamespace } from '../topics/topic-names.js';
import { ALARM_CODES, ConsumerCode, codedFailure } from './consumer-codes.js';
import {
  claimInbox,
  finishRun,
  readPosition,
  readStoredOffsets,
  receivedHash,
  writeQuarantine,
  writeReceived,
  type AppliedItem,
  type Position,
} from './consumer-store.js';
import type {
  CodedFailure,
  ConsumerPipelineOptions,
  EventHandler,
  IncomingRecord,
  PipelineOutcome,
  QuarantineNotice,
  VerifiedEntry,
} from './consumer-types.js';
import { checkEntry, type CheckedEntry } from './entry-check.js';

export type { ConsumerPipelineOptions, PipelineOutcome, QuarantineNotice } from './consumer-types.js';

const GENESIS: Position = { seq: 0, hash: new Uint8Array(32) };
/** Most records applied in one transaction. */
const RUN_LIMIT = 500;

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
  private readonly now: () => Date;
  /** Held entries already alarmed (chain/seq/hash): a held record is read again every few seconds. */
  private readonly alarmedHeld = new Set<string>();
  /**
   * Each record verified once, and its sealed fields opened once (issue #28):
   * a batch is looked at several times (runs, a held entry's successors).
   */
  private readonly verified = new WeakMap<IncomingRecord, { entry: VerifiedEntry } | { failure: unknown }>();
  private readonly opened = new WeakSet<IncomingRecord>();

  constructor(private readonly options: ConsumerPipelineOptions) {
    this.gapHoldMs = options.gapHoldMs ?? 5000;
    this.handlerAttempts = options.handlerAttempts ?? 3;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.keyTime?.now ?? (() => new Date());
  }

  /** Where this consumer stands on a chain (0 before its first entry). */
  async position(chain: string): Promise<Position> {
    const cached = this.positions.get(chain);
    if (cached) return cached;
    const position = (await readPosition(this.options.dataSource, chain)) ?? GENESIS;
    this.positions.set(chain, position);
    return position;
  }

  /** Kafka offsets to resume from: the offset after the last applied record of each (topic, partition). */
  async storedOffsets(): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    return readStoredOffsets(this.options.dataSource);
  }

  /** Forgets cached positions, e.g. after a rebalance or a restore. */
  resetCache(): void {
    this.positions.clear();
  }

  async process(record: IncomingRecord): Promise<PipelineOutcome> {
    await this.openSealed([record]);
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
    await this.openSealed(records);
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
      let outcome = first ? await this.processVerified(first.record, first.entry) : await this.process(records[i]!);
      if (outcome.kind === 'held-key' && (await this.supersededLater(outcome, records, i + 1)))
        outcome = await this.refuseHeld(records[i]!, outcome);
      outcomes.push(outcome);
      i++;
      if (outcome.kind === 'held' || outcome.kind === 'held-key') break;
    }
    return outcomes;
  }

  /**
   * Whether a record after a held one carries the same position of its
   * chain and passes every check at receipt: the owner's own entry, signed
   * with a key valid now. The held one then can never be applied (one seq,
   * one entry), so it is refused instead of stalling the chain behind it —
   * a stolen key's backdated entry does not block the owner's next one.
   */
  private async supersededLater(
    held: Extract<PipelineOutcome, { kind: 'held-key' }>,
    records: readonly IncomingRecord[],
    from: number,
  ): Promise<boolean> {
    const position = await this.position(held.chain);
    for (let j = from; j < records.length; j++) {
      const verified = this.verify(records[j]!);
      if (!('entry' in verified)) continue;
      const { entry } = verified;
      if (entry.chain !== held.chain || entry.seq !== held.seq || !equalBytes(entry.prevhash, position.hash)) continue;
      if (!this.heldAtReceipt(entry, position)) return true;
    }
    return false;
  }

  /** Quarantines a held entry for good (another entry took its place), with an alarm: its key signed it. */
  private async refuseHeld(
    record: IncomingRecord,
    held: Extract<PipelineOutcome, { kind: 'held-key' }>,
  ): Promise<PipelineOutcome> {
    const verified = this.verify(record);
    // Two signed entries at one seq: an equivocation, whichever key signed the one refused.
    const failure = {
      code: ConsumerCode.EQUIVOCATION,
      reason: `seq ${held.seq} of '${held.chain}' held (${held.failure.code}: ${held.failure.reason}) is refused: another entry at that seq, signed with a key valid at its receipt, took its place`,
    };
    if (!('entry' in verified)) return this.quarantine({ record, failure, alarm: true });
    return this.quarantine(noticeOf(record, verified.entry, failure, true));
  }

  /** Why the entry is held at its receipt (key-time.ts), given the position before it. */
  private heldAtReceipt(entry: VerifiedEntry, position: Position): CodedFailure | undefined {
    const ruling = compromiseRuling(entry.signingKey, entry.chain, entry.seq, hex(entry.hash));
    if (ruling.kind === 'unvouched') return { code: ProtocolErrorCode.KEY_REVOKED, reason: ruling.reason };
    // An entry the department vouched for after its key was stolen: the revocation does not touch it.
    const key = ruling.kind === 'vouched' ? { ...entry.signingKey, revokedAt: undefined } : entry.signingKey;
    const problem = judgeAtReceipt(key, {
      claimed: entry.time,
      receivedAt: this.now(),
      ...(position.time ? { previousClaimed: position.time } : {}),
      ...(this.options.keyTime?.skewMs !== undefined ? { skewMs: this.options.keyTime.skewMs } : {}),
    });
    return problem ? { code: problem.code, reason: problem.message } : undefined;
  }

  /**
   * An entry held at receipt is applied once a quorum checkpoint covers it
   * and its key was valid at the time the checkpoint fixed; until then it is
   * held like a gap (its partition alone waits), with one alarm.
   */
  private async holdOrRelease(
    record: IncomingRecord,
    entry: VerifiedEntry,
    failure: CodedFailure,
  ): Promise<PipelineOutcome | undefined> {
    // Signed with a stolen key and not vouched for: no checkpoint releases it, however early it was anchored.
    const unvouched = compromiseRuling(entry.signingKey, entry.chain, entry.seq, hex(entry.hash)).kind === 'unvouched';
    const release = unvouched ? undefined : this.options.keyTime?.release;
    const at = release ? await release(entry).catch(() => undefined) : undefined;
    if (at && validWhenAnchored(entry.signingKey, at, this.options.keyTime?.bundle?.() ?? {})) return undefined;
    const key = `${entry.chain}/${entry.seq}/${hex(entry.hash)}`;
    if (!this.alarmedHeld.has(key)) {
      if (this.alarmedHeld.size > 1000) this.alarmedHeld.clear();
      this.alarmedHeld.add(key);
      this.options.onQuarantine?.(noticeOf(record, entry, failure, true));
    }
    return { kind: 'held-key', chain: entry.chain, seq: entry.seq, failure };
  }

  private verify(record: IncomingRecord): { entry: VerifiedEntry } | { failure: unknown } {
    const known = this.verified.get(record);
    if (known) return known;
    const namespace = this.options.topicNamespace ?? '';
    let result: { entry: VerifiedEntry } | { failure: unknown };
    try {
      result = { entry: this.options.verifier.verify({ ...record, topic: withoutNamespace(record.topic, namespace) }) };
    } catch (error) {
      result = { failure: error };
    }
    this.verified.set(record, result);
    return result;
  }

  /**
   * Opens the sealed fields of these records that the opener gets keys for,
   * once per record, all of a batch in one go (a release per owner's chain).
   * Throws when an owner does not answer: the caller retries the batch.
   */
  private async openSealed(records: readonly IncomingRecord[]): Promise<void> {
    const { opener } = this.options;
    if (!opener) return;
    const pending: Array<{ record: IncomingRecord; entry: VerifiedEntry }> = [];
    // Every entry of the batch goes to the opener, in order: a grant among them opens what follows it.
    const batch: VerifiedEntry[] = [];
    for (const record of records) {
      const verified = this.verify(record);
      if (!('entry' in verified)) continue;
      batch.push(verified.entry);
      if (this.opened.has(record)) continue;
      const sealed = verified.entry.disclosure?.sealed;
      if (sealed && Object.keys(sealed).length > 0) pending.push({ record, entry: verified.entry });
      else this.opened.add(record);
    }
    if (pending.length === 0) return;
    const disclosures = await opener.open(
      pending.map(({ entry }) => entry),
      batch,
    );
    for (const { record, entry } of pending) {
      const opened = disclosures.get(entry);
      if (opened && 'refused' in opened)
        this.verified.set(record, { entry: { ...entry, sealedRefused: opened.refused } });
      else if (opened) this.verified.set(record, { entry: { ...entry, disclosure: opened } });
      this.opened.add(record);
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
      // Held at receipt: alone, through the path that holds it or finds the checkpoint that releases it.
      if (this.heldAtReceipt(entry, position)) break;
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
      ahead.set(entry.chain, { seq: entry.seq, hash: entry.hash, time: entry.time });
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
        const checked = checkEntry(entry, this.options.policy, this.options.verifier);
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
      this.positions.set(entry.chain, { seq: entry.seq, hash: entry.hash, time: entry.time });
      if (checked.parked) this.notifyQuarantine(record, entry, checked.parked, false);
      if (checked.audit) this.options.onAccessAudit?.(checked.audit);
      return { kind: 'applied', seq: entry.seq, handled: false, ...(checked.parked ? { parked: checked.parked } : {}) };
    });
  }

  /** A run without handlers: the same two steps as a single record, a statement per table for the run. */
  private async commitRun(
    manager: EntityManager,
    items: Array<{ entry: VerifiedEntry; record: IncomingRecord; checked: CheckedEntry }>,
  ): Promise<void> {
    const applied: AppliedItem[] = items.map(({ entry, record, checked }) => ({ entry, record, ...checked }));
    await writeReceived(manager, applied);
    await finishRun(manager, applied, this.options.onApplied);
  }

  private async processVerified(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    if (entry.chain !== this.expectedChain(record, entry)) {
      const reason = `an entry of chain '${entry.chain}' arrived on ${record.topic} partition ${record.partition}`;
      return this.quarantine(noticeOf(record, entry, { code: ConsumerCode.WRONG_SOURCE, reason }, false));
    }
    const position = await this.position(entry.chain);
    if (entry.seq <= position.seq) return this.alreadySeen(record, entry);
    if (entry.seq > position.seq + 1) {
      if (await this.fillGap(entry.chain, position.seq + 1, entry.seq - 1)) return this.processVerified(record, entry);
      const reason = `entries ${position.seq + 1}..${entry.seq - 1} of chain '${entry.chain}' are missing and could not be fetched from the owner`;
      // No signed evidence of anything removed: a check not made yet, retried when the partition is read again.
      this.options.onQuarantine?.(noticeOf(record, entry, { code: ConsumerCode.GAP_UNFILLED, reason }, false));
      return { kind: 'held', chain: entry.chain, missingFrom: position.seq + 1, missingTo: entry.seq - 1 };
    }
    if (!equalBytes(entry.prevhash, position.hash)) {
      const reason = `seq ${entry.seq} of '${entry.chain}' links to prevhash ${hex(entry.prevhash)}, but seq ${position.seq} has hash ${hex(position.hash)}: the chain was rewritten`;
      return this.quarantine(noticeOf(record, entry, { code: ConsumerCode.EQUIVOCATION, reason }, true));
    }
    const held = this.heldAtReceipt(entry, position);
    if (held) {
      const outcome = await this.holdOrRelease(record, entry, held);
      if (outcome) return outcome;
    }
    return this.apply(record, entry);
  }

  private async alreadySeen(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    const known = await receivedHash(this.options.dataSource, entry.chain, entry.seq);
    if (known && equalBytes(known, entry.hash)) return { kind: 'duplicate', seq: entry.seq };
    const reason = known
      ? `seq ${entry.seq} of '${entry.chain}' was received with hash ${hex(known)} and now again with hash ${hex(entry.hash)}: the owner signed two histories`
      : `seq ${entry.seq} of '${entry.chain}' is behind this consumer's position but unknown to it`;
    return this.quarantine(noticeOf(record, entry, { code: ConsumerCode.EQUIVOCATION, reason }, true));
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
          if (outcome.kind === 'held' || outcome.kind === 'held-key') return false;
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

  /** Applies a verified, in-order entry: the chain advances whatever happens to its data. */
  private async apply(record: IncomingRecord, entry: VerifiedEntry): Promise<PipelineOutcome> {
    const checked = checkEntry(entry, this.options.policy, this.options.verifier);
    let { parked, event } = checked;
    const handlers = event
      ? this.options.handlers.filter((h) => h.types.some((pattern) => typeMatches(pattern, event!.type)))
      : [];
    for (let attempt = 1; ; attempt++) {
      try {
        const handled = await this.options.dataSource.transaction((manager) =>
          this.commit(
            manager,
            { entry, record, keptDisclosure: checked.keptDisclosure, audit: checked.audit, parked },
            event,
            handlers,
          ),
        );
        this.positions.set(entry.chain, { seq: entry.seq, hash: entry.hash, time: entry.time });
        if (parked) this.notifyQuarantine(record, entry, parked, false);
        if (checked.audit) this.options.onAccessAudit?.(checked.audit);
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

  /** One record, through the write path of a run (a run of one), with its handlers between the two steps. */
  private async commit(
    manager: EntityManager,
    item: AppliedItem,
    event: CheckedEntry['event'],
    handlers: EventHandler[],
  ): Promise<boolean> {
    const { entry } = item;
    await writeReceived(manager, [item]);
    await this.options.policy.observe?.(entry, event?.data, manager);
    let handled = false;
    let parked = item.parked;
    if (event && handlers.length > 0) {
      if (!(await claimInbox(manager, entry))) {
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
    await finishRun(manager, [{ ...item, parked }], this.options.onApplied);
    return handled;
  }

  private async quarantine(notice: QuarantineNotice): Promise<PipelineOutcome> {
    await this.options.dataSource.transaction((manager) => writeQuarantine(manager, notice));
    this.options.onQuarantine?.(notice);
    return {
      kind: 'quarantined',
      failure: notice.failure,
      alarm: notice.alarm || ALARM_CODES.has(notice.failure.code),
    };
  }

  private notifyQuarantine(record: IncomingRecord, entry: VerifiedEntry, failure: CodedFailure, alarm: boolean): void {
    this.options.onQuarantine?.(noticeOf(record, entry, failure, alarm));
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

/** A quarantine notice about a verified entry: where it sits, and why. */
function noticeOf(
  record: IncomingRecord,
  entry: VerifiedEntry,
  failure: CodedFailure,
  alarm: boolean,
): QuarantineNotice {
  return { record, chain: entry.chain, seq: entry.seq, eventId: entry.id, eventType: entry.type, failure, alarm };
}
