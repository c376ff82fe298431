import type { KafkaTransport } from './kafka-transport.js';

/**
 * Waits until the broker's coordinators answer for this department: the
 * group coordinator of each of its consumer groups (a fresh broker creates
 * and loads its offsets topic on the first ask) and the producer-id
 * allocation an idempotent producer needs at connect. Asked with a client
 * that logs nothing (`probe`), so the refusals a loading broker gives are
 * not logged as warnings by the app's own clients, which start only after.
 * Bounded by `timeoutMs` in all: returns what still did not answer then
 * (the app goes on; its own clients keep retrying and say so).
 */
export async function awaitCoordinators(
  probe: KafkaTransport,
  groupIds: readonly string[],
  options: { timeoutMs?: number; delayMs?: number } = {},
): Promise<string[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const delayMs = options.delayMs ?? 500;
  let lastError = '';
  const until = async (ask: () => Promise<unknown>): Promise<boolean> => {
    for (;;) {
      if (
        await ask().then(
          () => true,
          (error: unknown) => {
            lastError = error instanceof Error ? error.message : String(error);
            return false;
          },
        )
      )
        return true;
      if (Date.now() + delayMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
  const unanswered: string[] = [];
  const admin = probe.admin();
  try {
    // Unreachable, or refused (credentials, TLS): nothing else to ask; the caller says what to check.
    if (!(await until(() => admin.connect()))) return [`the broker (${lastError})`];
    for (const groupId of groupIds) {
      if (!(await until(() => admin.describeGroup(groupId)))) unanswered.push(`the group coordinator of ${groupId}`);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const producerReady = await until(async () => {
    const producer = probe.producer({ idempotent: true });
    try {
      await producer.connect();
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  });
  if (!producerReady) unanswered.push('a producer id for an idempotent producer');
  return unanswered;
}
