import { testSigner, testTrustBundle } from '@registry-bus/protocol';

import type { KafkaTransport } from '../transport/kafka-transport.js';
import { QueryClient } from './query-client.js';

/** A transport whose broker is away: every send fails (the client's own bookkeeping is what is tested). */
function brokerAway(): KafkaTransport {
  const consumer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    subscribe: async () => undefined,
    runMessages: async () => undefined,
    onGroupJoin: (listener: () => void) => {
      setImmediate(listener);
      return () => undefined;
    },
  };
  return {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async () => {
        throw new Error('Connection refused: the broker is away');
      },
    }),
    consumer: () => consumer,
    admin: () => {
      throw new Error('no admin here');
    },
  } as unknown as KafkaTransport;
}

describe('a query the broker never took', () => {
  it('fails with the send error, and leaves no reply to time out or be rejected unhandled later', async () => {
    const signer = testSigner('credit');
    const client = new QueryClient({
      kafka: brokerAway(),
      department: 'credit',
      namespace: '',
      signer,
      trustBundle: () => testTrustBundle({ credit: [signer] }),
      verify: () => true,
    });
    await client.start();
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      await expect(client.ask('land', 'key-release', { chain: 'land', seqs: [1] }, 50)).rejects.toThrow(
        'Connection refused: the broker is away',
      );
      await new Promise((resolve) => setTimeout(resolve, 120));
      await client.stop();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
