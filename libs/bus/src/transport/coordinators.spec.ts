import { awaitCoordinators } from './coordinators.js';
import type { KafkaTransport, TransportAdmin, TransportProducer } from './kafka-transport.js';

/** A transport whose group coordinator answers after `groupFailures` refusals, and whose producer after `producerFailures`. */
function loadingBroker(groupFailures: number, producerFailures: number) {
  const asked: string[] = [];
  let groups = 0;
  let producers = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    describeGroup: async (groupId: string) => {
      asked.push(groupId);
      if (groups++ < groupFailures) throw Object.assign(new Error('coordinator is loading'), { retriable: true });
    },
  } as unknown as TransportAdmin;
  const producer = () =>
    ({
      connect: async () => {
        if (producers++ < producerFailures) throw new Error('coordinator is loading');
      },
      disconnect: async () => undefined,
    }) as unknown as TransportProducer;
  const transport = { admin: () => admin, producer, consumer: () => undefined } as unknown as KafkaTransport;
  return { transport, asked, producerAttempts: () => producers };
}

describe('awaitCoordinators', () => {
  it('asks each group until its coordinator answers, then waits for a producer id', async () => {
    const broker = loadingBroker(2, 1);
    await expect(awaitCoordinators(broker.transport, ['g.a', 'g.b'], { delayMs: 1 })).resolves.toEqual([]);
    expect(broker.asked).toEqual(['g.a', 'g.a', 'g.a', 'g.b']);
    expect(broker.producerAttempts()).toBe(2);
  });

  it('gives up at its deadline and names what did not answer', async () => {
    const broker = loadingBroker(Infinity, Infinity);
    await expect(awaitCoordinators(broker.transport, ['g.a'], { timeoutMs: 30, delayMs: 5 })).resolves.toEqual([
      'the group coordinator of g.a',
      'a producer id for an idempotent producer',
    ]);
  });
});
