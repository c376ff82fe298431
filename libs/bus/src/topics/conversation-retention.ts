import type { TransportAdmin } from '../transport/kafka-transport.js';

/**
 * How long the request and reply topics keep a message: an hour. A question
 * waits seconds for its answer, and a reply may carry field keys sealed to
 * the asker (issue #28, "key release"): nothing that opens personal data may
 * sit on a retained topic, so these topics forget quickly.
 */
export const CONVERSATION_RETENTION_MS = 60 * 60 * 1000;
/** The most any deployment may keep them (docs/PRIVACY.md): a day. */
export const MAX_CONVERSATION_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Whether a `retention.ms` value keeps messages at most `maxMs` (-1 keeps them for ever). */
export function retentionWithin(value: string | undefined, maxMs = MAX_CONVERSATION_RETENTION_MS): boolean {
  if (value === undefined || !/^-?\d+$/.test(value)) return false;
  const ms = Number(value);
  return ms >= 0 && ms <= maxMs;
}

/**
 * Holds the department's request and reply topics to a retention of at most
 * a day, read back from the broker: a topic made before, by hand or by an
 * older version (the broker's default is a week) is set to an hour, and a
 * broker that will not take it stops the start-up, naming the topic and the
 * fix.
 */
export async function holdConversationRetention(admin: TransportAdmin, topics: readonly string[]): Promise<void> {
  const read = () => admin.topicConfigs(topics, ['retention.ms']);
  const before = await read();
  const long = topics.filter((topic) => !retentionWithin(before.get(topic)?.['retention.ms']));
  if (long.length === 0) return;
  const problems: string[] = [];
  for (const topic of long) {
    await admin
      .setTopicConfig(topic, 'retention.ms', String(CONVERSATION_RETENTION_MS))
      .catch((error: unknown) => problems.push(`${topic}: ${(error as Error).message}`));
  }
  const after = await read();
  const still = long.filter((topic) => !retentionWithin(after.get(topic)?.['retention.ms']));
  if (still.length > 0)
    throw new Error(
      `${still.map((topic) => `${topic} keeps messages ${after.get(topic)?.['retention.ms'] ?? '?'} ms`).join(', ')}: ` +
        `request and reply topics may keep them at most ${MAX_CONVERSATION_RETENTION_MS} ms, since replies carry sealed field keys ` +
        `(docs/PRIVACY.md). Set retention.ms=${CONVERSATION_RETENTION_MS} on them (kafka-configs.sh --alter --entity-type topics ` +
        `--entity-name <topic> --add-config retention.ms=${CONVERSATION_RETENTION_MS})` +
        (problems.length > 0 ? `; the broker refused: ${problems.join('; ')}` : ''),
    );
}
