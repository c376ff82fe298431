import { PublishedWatch } from './published-ack.js';

describe('PublishedWatch (LEDGER_ACK=published)', () => {
  it('answers at once for what is published, and when the relay reports the seq', async () => {
    const watch = new PublishedWatch(async () => 0, 5_000, 10_000);
    watch.advanced(3);
    await expect(watch.wait(3)).resolves.toBeUndefined();
    const waiting = watch.wait(5);
    let done = false;
    void waiting.then(() => (done = true));
    watch.advanced(4);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(done).toBe(false);
    watch.advanced(6);
    await waiting;
    expect(done).toBe(true);
  });

  it('notices progress made by another instance’s relay by reading the cursor', async () => {
    let cursor = 0;
    const watch = new PublishedWatch(async () => cursor, 5_000, 10);
    setTimeout(() => (cursor = 9), 30);
    await expect(watch.wait(9)).resolves.toBeUndefined();
  });

  it('refuses to acknowledge past the deadline, saying the entry is kept', async () => {
    const watch = new PublishedWatch(async () => 1, 50, 10);
    await expect(watch.wait(2)).rejects.toThrow(
      /entry 2 is recorded in the ledger but not yet published .* retry with the same Idempotency-Key/,
    );
  });
});
