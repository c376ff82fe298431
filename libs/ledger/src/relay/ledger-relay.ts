import type { DataSource } from 'typeorm';

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

export interface LedgerRelayOptions {
  dataSource: DataSource;
  publisher: RecordPublisher;
  chains: string[];
  /** Topic and partition of a chain: `gov.<dept>.ledger`, partition = shard (0 unsharded). */
  destination: (chain: string) => { topic: string; partition: number };
  encode: (entry: StoredEntry) => OutgoingRecord;
  batchSize?: number;
  /** How often to look for entries appended by other instances. */
  pollIntervalMs?: number;
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
  private readonly maxBackoffMs: number;
  private running = false;
  private notified = false;
  /** Sleeping chain loops, and whether each is backing off from a failure. */
  private readonly wakers = new Map<() => void, boolean>();
  private loops: Promise<void>[] = [];
  private readonly backoff = new Map<string, number>();

  constructor(private readonly options: LedgerRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.options.chains.map((chain) => this.loop(chain));
  }

  /** Wakes the relay at once (after a commit) instead of at the next poll. */
  notify(): void {
    // Remembered when no loop is asleep (it is publishing): a commit that lands meanwhile must not wait for the
    // next poll — a lost wake-up cost up to a poll interval per command (seen as a 500 ms p99 in the
    // reliability bench before this flag).
    this.notified = true;
    // A commit wakes the relay at once, but not out of a back-off: the broker is still away.
    for (const [wake, failing] of this.wakers) if (!failing) wake();
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
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO relay_cursor (chain) VALUES ($1) ON CONFLICT (chain) DO NOTHING', [chain]);
        const cursorRows: Array<{ published_seq: string }> = await manager.query(
          'SELECT published_seq FROM relay_cursor WHERE chain = $1 FOR UPDATE SKIP LOCKED',
          [chain],
        );
        if (cursorRows.length === 0) return 0;
        const cursor = Number(cursorRows[0]!.published_seq);
        // The command's idempotency key rides on its last record: recovery from the topic restores it.
        const rows: Array<
          StoredEntryRow & { idem_key: string | null; idem_digest: Buffer | null; idem_first: string | null }
        > = await manager.query(
          `SELECT ${STORED_ENTRY_COLUMNS}, i.key AS idem_key, i.request_digest AS idem_digest, i.first_seq AS idem_first
               FROM ${STORED_ENTRY_FROM}
               LEFT JOIN ledger_idempotency i ON i.chain = e.chain AND i.last_seq = e.seq
              WHERE e.chain = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
          [chain, cursor, this.batchSize],
        );
        const contiguous: StoredEntry[] = [];
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
          if (entry.seq !== cursor + contiguous.length + 1) break;
          contiguous.push(entry);
        }
        if (contiguous.length === 0) return 0;
        await this.options.publisher.publish(topic, partition, contiguous.map(this.options.encode));
        const last = contiguous.at(-1)!.seq;
        await manager.query('UPDATE relay_cursor SET published_seq = $2, published_at = now() WHERE chain = $1', [
          chain,
          last,
        ]);
        return contiguous.length;
      });
      if (published === 0) return total;
      total += published;
      this.options.onPublished?.(chain, (await this.publishedSeq(chain)) ?? 0);
    }
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
      this.notified = false;
      try {
        await this.publishPending(chain);
        this.backoff.delete(chain);
      } catch (error) {
        // Kafka or Postgres away: the entries wait in the ledger; back off and try again.
        failing = true;
        delay = Math.min(this.maxBackoffMs, (this.backoff.get(chain) ?? 50) * 2);
        this.backoff.set(chain, delay);
        this.options.onError?.(chain, error, delay);
      }
      if (!this.running) break;
      if (this.notified && !failing) continue;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, delay);
        this.wakers.set(wake, failing);
      });
    }
  }
}
