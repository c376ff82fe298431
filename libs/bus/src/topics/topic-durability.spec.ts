import { durableMinInsync, ledgerTopicsVerdict, type TopicSettings } from './topic-durability.js';

const topic = 'gov.land.ledger.v2';
const bootstrap = '127.0.0.1:9092';
const three = [1, 2, 3];
const settings = (partitionReplicas: number[][], config: TopicSettings['config']): TopicSettings[] => [
  { topic, partitionReplicas, config },
];
const durable = { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' };

describe('ledgerTopicsVerdict', () => {
  it('accepts three replicas, two in sync, no unclean election', () => {
    expect(
      ledgerTopicsVerdict(settings([[1, 2, 3]], durable), { brokerIds: three, devSingleBroker: false, bootstrap }),
    ).toEqual({ ok: true });
  });

  it('refuses min.insync.replicas=1, naming the topic, the value and the kafka-configs command', () => {
    const verdict = ledgerTopicsVerdict(settings([[1, 2, 3]], { ...durable, 'min.insync.replicas': '1' }), {
      brokerIds: three,
      devSingleBroker: false,
      bootstrap,
    });
    expect(verdict).toEqual({
      ok: false,
      problems: [
        {
          topic,
          setting: 'min.insync.replicas',
          value: '1',
          fix: 'kafka-configs.sh --bootstrap-server 127.0.0.1:9092 --alter --entity-type topics --entity-name gov.land.ledger.v2 --add-config min.insync.replicas=2',
        },
      ],
      message:
        `refusing to start: the ledger topics' settings could lose an acknowledged record (docs/OPERATIONS.md, "Topic settings"):\n` +
        '- topic gov.land.ledger.v2: min.insync.replicas=1 could lose an acknowledged record; fix: ' +
        'kafka-configs.sh --bootstrap-server 127.0.0.1:9092 --alter --entity-type topics --entity-name gov.land.ledger.v2 --add-config min.insync.replicas=2',
    });
  });

  it('refuses an unclean leader election even in development', () => {
    const verdict = ledgerTopicsVerdict(
      settings([[1]], { 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true' }),
      { brokerIds: [1], devSingleBroker: true, bootstrap },
    );
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.problems).toEqual([
      {
        topic,
        setting: 'unclean.leader.election.enable',
        value: 'true',
        fix: 'kafka-configs.sh --bootstrap-server 127.0.0.1:9092 --alter --entity-type topics --entity-name gov.land.ledger.v2 --add-config unclean.leader.election.enable=false',
      },
    ]);
  });

  it('refuses two replicas with the reassignment plan that adds a third broker', () => {
    const verdict = ledgerTopicsVerdict(
      settings(
        [
          [1, 2],
          [2, 3],
        ],
        durable,
      ),
      { brokerIds: [3, 1, 2], devSingleBroker: false, bootstrap },
    );
    expect(!verdict.ok && verdict.problems).toEqual([
      {
        topic,
        setting: 'replication.factor',
        value: '2',
        fix:
          `echo '{"version":1,"partitions":[{"topic":"gov.land.ledger.v2","partition":0,"replicas":[1,2,3]},` +
          `{"topic":"gov.land.ledger.v2","partition":1,"replicas":[2,3,1]}]}' > reassign-gov.land.ledger.v2.json && ` +
          'kafka-reassign-partitions.sh --bootstrap-server 127.0.0.1:9092 --reassignment-json-file reassign-gov.land.ledger.v2.json --execute',
      },
    ]);
  });

  it('refuses one broker without KAFKA_DEV_SINGLE_BROKER, naming every setting at fault', () => {
    const verdict = ledgerTopicsVerdict(settings([[1]], { 'min.insync.replicas': '1' }), {
      brokerIds: [1],
      devSingleBroker: false,
      bootstrap,
    });
    expect(!verdict.ok && verdict.problems.map((problem) => [problem.setting, problem.value])).toEqual([
      ['brokers', '1'],
      ['replication.factor', '1'],
      ['min.insync.replicas', '1'],
    ]);
    expect(!verdict.ok && verdict.message).toContain('KAFKA_DEV_SINGLE_BROKER=true');
    expect(!verdict.ok && verdict.message).toContain('npm start -- --brokers 3');
  });

  it('accepts one broker and one replica with KAFKA_DEV_SINGLE_BROKER', () => {
    expect(
      ledgerTopicsVerdict(settings([[1]], { 'min.insync.replicas': '1' }), {
        brokerIds: [1],
        devSingleBroker: true,
        bootstrap,
      }),
    ).toEqual({ ok: true });
  });

  it('still wants two in sync of a development topic with two replicas', () => {
    const verdict = ledgerTopicsVerdict(settings([[1, 2]], { 'min.insync.replicas': '1' }), {
      brokerIds: [1, 2],
      devSingleBroker: true,
      bootstrap,
    });
    expect(!verdict.ok && verdict.problems.map((problem) => problem.setting)).toEqual(['min.insync.replicas']);
  });

  it('reads an unset min.insync.replicas as the broker default of one', () => {
    const verdict = ledgerTopicsVerdict(settings([three], {}), { brokerIds: three, devSingleBroker: false, bootstrap });
    expect(!verdict.ok && verdict.problems).toEqual([expect.objectContaining({ value: '(unset: 1)' })]);
  });

  it('creates topics with two in sync, or every replica below two', () => {
    expect([1, 2, 3, 5].map(durableMinInsync)).toEqual([1, 2, 2, 2]);
  });
});
