import { holdConversationRetention, retentionWithin } from './conversation-retention.js';
import type { TransportAdmin } from '../transport/kafka-transport.js';

/** A broker's settings in memory: the pure logic of reading back, setting and refusing. */
function broker(retention: Record<string, string>, refuse = false) {
  const set: string[] = [];
  const admin = {
    topicConfigs: async (topics: readonly string[]) =>
      new Map(topics.map((topic) => [topic, { 'retention.ms': retention[topic]! }])),
    setTopicConfig: async (topic: string, name: string, value: string) => {
      if (refuse) throw new Error('Topic authorization failed');
      set.push(`${topic} ${name}=${value}`);
      retention[topic] = value;
    },
  } as unknown as TransportAdmin;
  return { admin, set };
}

describe('the retention of the request and reply topics (issue #28: replies carry sealed keys)', () => {
  it('takes at most a day, never for ever', () => {
    expect(retentionWithin('3600000')).toBe(true);
    expect(retentionWithin('86400000')).toBe(true);
    expect(retentionWithin('86400001')).toBe(false);
    expect(retentionWithin('-1')).toBe(false);
    expect(retentionWithin(undefined)).toBe(false);
    expect(retentionWithin('1e9')).toBe(false);
  });

  it('sets a week-long topic to an hour, and leaves one within a day alone', async () => {
    const { admin, set } = broker({ 'gov.land.replies': '604800000', 'gov.land.requests': '7200000' });
    await holdConversationRetention(admin, ['gov.land.replies', 'gov.land.requests']);
    expect(set).toEqual(['gov.land.replies retention.ms=3600000']);
  });

  it('refuses to start when the broker will not take it, naming the topic, what it keeps and the fix', async () => {
    const { admin } = broker({ 'gov.land.replies': '-1' }, true);
    await expect(holdConversationRetention(admin, ['gov.land.replies'])).rejects.toThrow(
      'gov.land.replies keeps messages -1 ms: request and reply topics may keep them at most 86400000 ms, since replies carry sealed field keys (docs/PRIVACY.md). Set retention.ms=3600000 on them (kafka-configs.sh --alter --entity-type topics --entity-name <topic> --add-config retention.ms=3600000); the broker refused: gov.land.replies: Topic authorization failed',
    );
  });
});
