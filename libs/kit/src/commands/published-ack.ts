import { LedgerError, LedgerErrorCode } from '@registry-bus/ledger';

/**
 * LEDGER_ACK=published: a command is answered only once its last entry is
 * on Kafka, so an acknowledged entry survives even the loss of the
 * department's database before the relay ran (README, "Recovery"). The relay
 * reports its progress; waiters also re-read the cursor now and then (another
 * instance's relay may be the one publishing). Past the deadline the command
 * is not acknowledged: 503, though the entry is kept and will be published —
 * a retry with the same Idempotency-Key answers once it is.
 */
export class PublishedWatch {
  private published = 0;
  private readonly waiters = new Set<{ seq: number; resolve: () => void }>();

  constructor(
    private readonly readPublished: () => Promise<number>,
    private readonly timeoutMs: number,
    private readonly pollMs = 200,
  ) {}

  /** The relay published up to `seq`. */
  advanced(seq: number): void {
    if (seq <= this.published) return;
    this.published = seq;
    for (const waiter of this.waiters) {
      if (waiter.seq <= seq) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  async wait(seq: number): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (seq > this.published) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new LedgerError(
          LedgerErrorCode.UNAVAILABLE,
          `entry ${seq} is recorded in the ledger but not yet published to Kafka after ${this.timeoutMs} ms (LEDGER_ACK=published): not acknowledged; it will be published — retry with the same Idempotency-Key`,
        );
      }
      let waiter!: { seq: number; resolve: () => void };
      const published = new Promise<void>((resolve) => (waiter = { seq, resolve }));
      this.waiters.add(waiter);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        published,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(this.pollMs, left)))),
      ]);
      clearTimeout(timer);
      this.waiters.delete(waiter);
      if (seq > this.published) this.advanced(await this.readPublished().catch(() => this.published));
    }
  }
}
