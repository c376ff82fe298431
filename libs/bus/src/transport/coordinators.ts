import type { KafkaTransport } from './kafka-transport.js';

/**
 * Waits until the broker's coordinators answer for this department: the
 * group coordinator of each of its consumer groups (a fresh broker creates
 * and loads its offsets topic on the first ask) and the producer-id
 * allocation an idempotent producer needs at connect. Asked with a client
 * that logs nothing (`probe`), so the refusals a loading broker gives are
 * not logged as warnings by the app's own clients, which start only after.
 * Bounded: returns what still did not answer after `attempts` tries.
 */
export async function awaitCoordinators(
  probe: KafkaTransport,
  groupIds: readonly string[],
  options: { attempts?: number; delayMs?: number } = {},
): Promise<string[]> {
  const attempts = options.attempts ?? 60;
  const delayMs = options.delayMs ?? 500;
  const pause = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  const unanswered: string[] = [];
  const admin = probe.admin();
  await admin.connect();
  try {
    for (const groupId of groupIds) {
      let answered = false;
      for (let attempt = 0; attempt < attempts && !answered; attempt++) {
        answered = await admin.describeGroup(groupId).then(
          () => true,
          () => false,
        );
        if (!answered) await pause();
      }
      if (!answered) unanswered.push(`the group coordinator of ${groupId}`);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  let producerReady = false;
  for (let attempt = 0; attempt < attempts && !producerReady; attempt++) {
    const producer = probe.producer({ idempotent: true });
    producerReady = await producer.connect().then(
      () => true,
      () => false,
    );
    await producer.disconnect().catch(() => undefined);
    if (!producerReady) await pause();
  }
  if (!producerReady) unanswered.push('a producer id for an idempotent producer');
  return unanswered;
}
