// One process of `npm run bench -- shards`: a shard's writer (appends to its
// chain `land/<shard>` and relays it to its partition) or a reader (a member
// of the consumer group, applying the partitions Kafka assigns it). Each in
// its own process, as each would run on a real deployment: a core each.
import {
  ConsumerPipeline,
  KafkaPublisher,
  LedgerConsumer,
  createKafka,
  protocolVerifier,
  transportOf,
} from '@registry-bus/bus';
import { Ledger, LedgerRelay, appendToChainTree, createDataSource, encodeStoredEntry } from '@registry-bus/ledger';
import { EventTypeRegistry, nodeSigner, testSigner, testTrustBundle } from '@registry-bus/protocol';

const signer = testSigner('land', 'key-1', nodeSigner);
const bundle = testTrustBundle({ land: [signer] });
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`shard process: ${name} is not set`);
  return value;
};
const send = (message: Record<string, unknown>) => process.send!(message);

const draft = (shard: number, i: number) => ({
  type: 'gov.land.parcel.registered.v1',
  subject: `S-${shard}-${i}`,
  data: {
    cadastralNumber: `S-${shard}-${i}`,
    areaSquareMetres: '500.00',
    location: 'Gori',
    landUse: 'agricultural',
    owners: [{ ownerId: `person:${i}`, share: '1' }],
  },
  actor: 'clerk:bench',
});

const kafka = createKafka({ clientId: `bench-shard-${process.pid}`, brokers: env('BENCH_BROKERS').split(',') });
const dataSource = createDataSource({ url: env('BENCH_DATABASE_URL'), poolSize: 8 });
await dataSource.initialize();
const topic = env('BENCH_TOPIC');

if (env('BENCH_ROLE') === 'writer') {
  const shard = Number(env('BENCH_SHARD'));
  const count = Number(env('BENCH_ENTRIES'));
  const callers = Number(env('BENCH_CALLERS'));
  const chain = `land/${shard}`;
  const relay = new LedgerRelay({
    dataSource,
    publisher: new KafkaPublisher(transportOf(kafka)),
    chains: [chain],
    destination: () => ({ topic, partition: shard }),
    encode: encodeStoredEntry,
  });
  const ledger = new Ledger({
    dataSource,
    chain,
    signer,
    trustBundle: () => bundle,
    onCommitted: () => relay.notify(),
  });
  relay.start();
  process.once('message', async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < count) {
          const i = next++;
          await ledger.append({ decide: () => ({ entries: [draft(shard, i)] }) });
        }
      }),
    );
    while (((await relay.publishedSeq(chain)) ?? 0) < count) await new Promise((r) => setTimeout(r, 10));
    await relay.stop();
    await dataSource.destroy();
    send({ kind: 'done' });
  });
  send({ kind: 'ready' });
} else {
  const pipeline = new ConsumerPipeline({
    dataSource,
    verifier: protocolVerifier({ trustBundle: () => bundle, registry: new EventTypeRegistry([]) }),
    handlers: [],
    policy: { decide: () => ({ kind: 'allow' }) },
    topicNamespace: env('BENCH_NAMESPACE'),
    onApplied: (applied, manager) =>
      appendToChainTree(
        manager,
        applied[0]!.chain,
        applied[0]!.seq - 1,
        applied.map((entry) => entry.hash),
      ),
  });
  const consumer = new LedgerConsumer({
    kafka: transportOf(kafka),
    groupId: env('BENCH_GROUP'),
    topics: [topic],
    pipeline,
  });
  await consumer.start();
  process.once('message', async () => {
    await consumer.stop();
    await dataSource.destroy();
    send({ kind: 'done' });
  });
  send({ kind: 'ready' });
}
