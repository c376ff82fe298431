import type { TransportConsumer } from '../transport/kafka-transport.js';

/** Resolves when the consumer has joined its group (at most `timeoutMs`; after that it goes on and says so). */
export function joinedGroup(consumer: TransportConsumer, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      remove();
      reject(new Error(`the consumer did not join its group within ${timeoutMs} ms`));
    }, timeoutMs);
    const remove = consumer.onGroupJoin(() => {
      clearTimeout(timer);
      remove();
      resolve();
    });
  });
}
