import type { DataSource, EntityManager } from 'typeorm';

import {
  STORED_ENTRY_COLUMNS,
  STORED_ENTRY_FROM,
  toStoredEntry,
  type StoredEntry,
  type StoredEntryRow,
} from './stored-entry.js';

/** A Kafka record as the relay hands it to the publisher (libs/bus adapts kafkajs to this). */
export interface OutgoingRecord {
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
}

export interface RecordPublisher {
  /** Resolves once the broker acknowledged every record (acks=all), in order. */
  publish(topic: string, partition: number, records: OutgoingRecord[]): Promise<void>;
}

interface OutgoingBatch {
  afterSeq: number;
  records: OutgoingRecord[];
  lastSeq: number;
}

export interface LedgerRelayOptions {
  dataSource: DataSource;
  publisher: RecordPublisher;
  chains: string[];
  /** Topic and partition of a chain: `gov.<dept>.ledger`, partition = shard (0 unsharded). */
  destination: (chain: string) => { topic: string; partition: number };
  encode: (entry: StoredEntry) => OutgoingRecord;
  /**
   * Encodes a batch at once, in order, instead of `encode` one by one: the
   * department seals each batch's data under its subject keys (issue #28),
   * fetched for the batch in one query. A failure fails the batch, which is
   * read and encoded again (nothing is published half-sealed).
   */
  encodeBatch?: (entries: StoredEntry[]) => Promise<OutgoingRecord[]>;
  batchSize?: number;
  /** How often to look for entries appended by other instances. */
  pollIntervalMs?: number;
  /** Under load (commits arriving while publishing), how long to let more gather before the next batch; 10 ms. */
  lingerMs?: number;
  maxBackoffMs?: number;
  onPublished?: (chain: string, lastSeq: number) => void;
  onError?: (chain: string, error: unknown, retryInMs: number) => void;
}

/**
 * Ledger → Kafka, strictly in seq order per chain, at least once.
 *
 * It reads the ledger itself through a published-up-to cursor per chain. The
 * cursor row is locked (FOR UPDATE SKIP LOCKED) for the whole read–publish–
 * advance step, so two relay instances never publish one chain at once and
 * never out of order; a crash between publish and cursor update republishes
 * (consumers skip same seq + same hash). Late commits cannot be skipped: the
 * appender holds the chain's lock until commit, so a chain's entries become
 * visible in seq order, and the relay refuses to publish across a gap anyway.
 */
export class LedgerRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly maxBackoffMs: number;
  private running = false;
  /** Chains committed to since their loop last began publishing (a shard's commit wakes only its own loop). */
  private readonly notified = new Set<string>();
  /** Sleeping chain loops: their chain, and whether each must sleep on through commits (backing off, or lingering). */
  private readonly wakers = new Map<() => void, { chain: string; failing: boolean }>();
  private loops: Promise<void>[] = [];
  private readonly backoff = new Map<string, number>();
  /** Chains whose cursor row exists: created once per relay, not in every publishing transaction. */
  private readonly cursors = new Set<string>();

  constructor(private readonly options: LedgerRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.lingerMs = options.lingerMs ?? 10;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.options.chains.map((chain) => this.loop(chain));
  }

  /** Wakes the relay at once (after a commit to `chain`; every chain when none is named) instead of at the next poll. */
  notify(chain?: string): void {
    // Remembered when no loop is asleep (it is publishing): a commit that lands meanwhile must not wait for the
    // next poll — a lost wake-up cost up to a poll interval per command (seen as a 500 ms p99 in the
    // reliability bench before this flag).
    for (const each of chain === undefined ? this.options.chains : [chain]) this.notified.add(each);
    // A commit wakes the relay at once, but not out of a back-off: the broker is still away.
    for (const [wake, sleeper] of this.wakers)
      if (!sleeper.failing && (chain === undefined || sleeper.chain === chain)) wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers.keys()) wake();
    await Promise.all(this.loops);
  }

  /** Publishes what is pending for `chain` now; returns how many entries went out (0 if another relay holds it). */
  async publishPending(chain: string): Promise<number> {
    const { topic, partition } = this.options.destination(chain);
    let total = 0;
    // Pipelined: the next batch is read and encoded while this one is on its way to the broker, so a backlog
    // goes out at close to the producer's own rate (reading and encoding used to add 150 % to each batch's
    // time). The read needs no lock — entries never change — and is used only if the cursor, locked again
    // by the next transaction, still stands where that read began. Each batch still commits its own cursor,
    // so a failed publish sends again only the batch that failed.
    let prefetched: Promise<OutgoingBatch> | undefined;
    if (!this.cursors.has(chain)) {
      await this.dataSource.query('INSERT INTO relay_cursor (chain) VALUES ($1) ON CONFLICT (chain) DO NOTHING', [
        chain,
      ]);
      this.cursors.add(chain);
    }
    try {
      for (;;) {
        const published = await this.dataSource.transaction(async (manager) => {
          const cursorRows: Array<{ published_seq: string }> = await manager.query(
            'SELECT published_seq FROM relay_cursor WHERE chain = $1 FOR UPDATE SKIP LOCKED',
            [chain],
          );
          if (cursorRows.length === 0) return undefined;
          const cursor = Number(cursorRows[0]!.published_seq);
          // A read-ahead that failed is simply read again.
          const ahead = await prefetched?.catch(() => undefined);
          prefetched = undefined;
          const batch = ahead?.afterSeq === cursor ? ahead : await this.readBatch(manager, chain, cursor);
          if (batch.records.length === 0) return undefined;
          const sending = this.options.publisher.publish(topic, partition, batch.records);
          if (batch.records.length === this.batchSize) prefetched = this.prefetch(chain, batch.lastSeq);
          await sending;
          await manager.query('UPDATE relay_cursor SET published_seq = $2, published_at = now() WHERE chain = $1', [
            chain,
            batch.lastSeq,
          ]);
          return batch;
        });
        if (!published) return total;
        total += published.records.length;
        this.options.onPublished?.(chain, published.lastSeq);
        // A short batch was all there was: no need for another transaction to find nothing (a commit since then
        // has woken the loop: `notified`).
        if (published.records.length < this.batchSize) return total;
      }
    } finally {
      await prefetched?.catch(() => undefined);
    }
  }

  /** A read ahead on a connection of its own, marked handled at once: it may fail while nobody awaits it yet. */
  private prefetch(chain: string, afterSeq: number): Promise<OutgoingBatch> {
    const read = this.readBatch(this.dataSource.manager, chain, afterSeq);
    read.catch(() => undefined);
    return read;
  }

  /** Up to batchSize entries after `afterSeq`, encoded; stops before a gap (an entry not yet visible). */
  private async readBatch(manager: EntityManager, chain: string, afterSeq: number): Promise<OutgoingBatch> {
    // The command's idempotency key rides on its last record: recovery from the topic restores it.
    const rows: Array<
      StoredEntryRow & { idem_key: string | null; idem_digest: Buffer | null; idem_first: string | null }
    > = await manager.query(
      `SELECT ${STORED_ENTRY_COLUMNS}, i.key AS idem_key, i.request_digest AS idem_digest, i.first_seq AS idem_first
           FROM ${STORED_ENTRY_FROM}
           LEFT JOIN ledger_idempotency i ON i.chain = e.chain AND i.last_seq = e.seq
          WHERE e.chain = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [chain, afterSeq, this.batchSize],
    );
    const entries: StoredEntry[] = [];
    let lastSeq = afterSeq;
    for (const row of rows) {
      const entry: StoredEntry = {
        ...toStoredEntry(row),
        ...(row.idem_key !== null && row.idem_digest !== null && row.idem_first !== null
          ? {
              idempotency: {
                key: row.idem_key,
                requestDigest: new Uint8Array(row.idem_digest),
                firstSeq: Number(row.idem_first),
              },
            }
          : {}),
      };
      if (entry.seq !== lastSeq + 1) break;
      entries.push(entry);
      lastSeq = entry.seq;
    }
    const records = this.options.encodeBatch
      ? await this.options.encodeBatch(entries)
      : entries.map((entry) => this.options.encode(entry));
    if (records.length !== entries.length)
      throw new Error(`the relay's encoder gave ${records.length} records for ${entries.length} entries`);
    return { afterSeq, records, lastSeq };
  }

  async publishedSeq(chain: string): Promise<number | undefined> {
    const rows: Array<{ published_seq: string }> = await this.dataSource.query(
      'SELECT published_seq FROM relay_cursor WHERE chain = $1',
      [chain],
    );
    return rows[0] ? Number(rows[0].published_seq) : undefined;
  }

  private get dataSource(): DataSource {
    return this.options.dataSource;
  }

  private async loop(chain: string): Promise<void> {
    while (this.running) {
      let delay = this.pollIntervalMs;
      let failing = false;
      let published = 0;
      this.notified.delete(chain);
      try {
        published = await this.publishPending(chain);
        this.backoff.delete(chain);
      } catch (error) {
        // Kafka or Postgres away: the entries wait in the ledger; back off and try again.
        failing = true;
        delay = Math.min(this.maxBackoffMs, (this.backoff.get(chain) ?? 50) * 2);
        this.backoff.set(chain, delay);
        this.options.onError?.(chain, error, delay);
      }
      if (!this.running) break;
      if (this.notified.has(chain) && !failing) {
        // Commits landed while we published: under load, let more gather first, as Kafka's own linger.ms does.
        // Each batch costs every follower a fetch and a transaction: through REST the bench went 322 → 244
        // commands/s when the relay's loop lost its idle round trips, and to 365/s with this linger. A lone
        // command never waits.
        if (published > 0 && this.lingerMs > 0) await this.sleep(chain, this.lingerMs, false);
        continue;
      }
      await this.sleep(chain, delay, !failing);
    }
  }

  /** Sleeps `ms`; a commit (notify) ends the sleep early only if `wakeOnCommit`; stop() always does. */
  private sleep(chain: string, ms: number, wakeOnCommit: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.set(wake, { chain, failing: !wakeOnCommit });
    });
  }
}

/**
 * Makes the relay publish these chains again from their first entry: the
 * move to a new generation of the ledger topic (issue #28), whose records
 * the relay seals. Consumers take the entries again as duplicates (same seq,
 * same hash).
 */
export async function republishFromStart(dataSource: DataSource, chains: readonly string[]): Promise<void> {
  await dataSource.query(
    `INSERT INTO relay_cursor (chain, published_seq) SELECT unnest($1::text[]), 0
       ON CONFLICT (chain) DO UPDATE SET published_seq = 0, published_at = now()`,
    [chains],
  );
}
