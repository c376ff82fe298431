import {
  DURABLE_REPLICATION_FACTOR,
  awaitCoordinators,
  checkLedgerTopics,
  departmentGroups,
  durableMinInsync,
  ensureTopics,
  ledgerTopic,
  quarantineTopic,
  readableTopics,
  CONVERSATION_RETENTION_MS,
  holdConversationRetention,
  repliesTopic,
  requestsTopic,
  type TopicSpec,
} from '@registry-bus/bus';
import type { KafkaTransport, TransportAdmin } from '@registry-bus/bus';

import { enforce } from '../../guards/start-up-verdict.js';
import { shardsMatchTopicPartitions } from '../../guards/shard-guards.js';

export interface TopicSettings {
  KAFKA_TOPIC_NAMESPACE: string;
  KAFKA_REPLICATION_FACTOR?: number | undefined;
  KAFKA_DEV_SINGLE_BROKER: boolean;
  KAFKA_BROKERS: string[];
  KAFKA_SSL_CA_FILE?: string | undefined;
}

/**
 * The topics part: the department's own topics (a partition per shard),
 * checked before and after they are made, and the followed ledgers it may
 * read now. On an open broker followed ledgers are created here too when
 * their owner has not started yet (a consumer can only subscribe to topics
 * that exist); with ACLs only owners create their topics.
 */
export class DepartmentTopics {
  /** The followed ledger topics it may read (all of them on an open broker). */
  readable: string[] = [];
  /** Every followed ledger topic. */
  followed: string[];

  constructor(
    private readonly kafka: KafkaTransport,
    department: {
      department: string;
      follows: readonly string[];
      shards: number;
      /** On a broker with users and ACLs, reading another ledger needs a grant. */
      secured: boolean;
    },
    private readonly settings: TopicSettings,
    private readonly ledgerHasEntries: () => Promise<boolean>,
    /** A client of the department's that logs nothing, to wait for a loading broker quietly. */
    private readonly probe: KafkaTransport,
    private readonly warn: (message: string) => void,
  ) {
    this.department = department.department;
    this.shards = department.shards;
    this.secured = department.secured;
    this.followed = department.follows.map((owner) => ledgerTopic(owner, settings.KAFKA_TOPIC_NAMESPACE));
  }

  private readonly department: string;
  private readonly shards: number;
  private readonly secured: boolean;

  async start(): Promise<void> {
    const { department } = this;
    const namespace = this.settings.KAFKA_TOPIC_NAMESPACE;
    // Before any client of the app's own asks: a fresh broker refuses them while its coordinators load,
    // and each refusal would be a warning in a healthy start's log.
    const unanswered = await awaitCoordinators(this.probe, Object.values(departmentGroups(department, namespace)));
    if (unanswered[0]?.startsWith('the broker ('))
      throw new Error(
        `cannot reach Kafka at ${this.settings.KAFKA_BROKERS.join(',')} (KAFKA_BROKERS): ${unanswered[0].slice(12, -1)}` +
          (this.settings.KAFKA_SSL_CA_FILE
            ? `; is KAFKA_SSL_CA_FILE (${this.settings.KAFKA_SSL_CA_FILE}) the CA that signed the broker's certificate?`
            : ''),
      );
    if (unanswered.length > 0)
      this.warn(`the broker did not answer for ${unanswered.join(' and ')} within 30 s; its own clients keep retrying`);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const replicationFactor = await this.replicationFactor(admin);
      const spec = (topic: string, retainForever = true, partitions = 1): TopicSpec => ({
        topic,
        partitions,
        replicationFactor,
        retainForever,
        ...(retainForever ? { minInsyncReplicas: durableMinInsync(replicationFactor) } : {}),
      });
      const ledgerTopics = [ledgerTopic(department, namespace), quarantineTopic(department, namespace)];
      // Before anything is created (too few brokers, or a topic made by hand), then once all exist.
      const existing = new Set(await admin.listTopics());
      await this.checkLedgerTopics(
        admin,
        ledgerTopics.filter((topic) => existing.has(topic)),
      );
      await this.checkShardsAgainstTopic(admin);
      await ensureTopics(admin, [
        // A partition per shard (a followed ledger's owner grows its topic when it starts sharded).
        spec(ledgerTopic(department, namespace), true, this.shards),
        spec(quarantineTopic(department, namespace)),
        // Queries and replies are conversations, not records, and replies may carry sealed keys: an hour.
        { ...spec(requestsTopic(department, namespace), false), retentionMs: CONVERSATION_RETENTION_MS },
        { ...spec(repliesTopic(department, namespace), false), retentionMs: CONVERSATION_RETENTION_MS },
      ]);
      await holdConversationRetention(admin, [
        requestsTopic(department, namespace),
        repliesTopic(department, namespace),
      ]);
      await this.checkLedgerTopics(admin, ledgerTopics);
      if (this.secured) {
        this.readable = await readableTopics(admin, this.followed);
      } else {
        await ensureTopics(
          admin,
          this.followed.map((topic) => spec(topic)),
        );
        this.readable = [...this.followed];
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async checkShardsAgainstTopic(admin: TransportAdmin): Promise<void> {
    const topic = ledgerTopic(this.department, this.settings.KAFKA_TOPIC_NAMESPACE);
    const partitions = (await admin.listTopics()).includes(topic)
      ? (await admin.topicOffsets(topic)).length
      : undefined;
    // The database is asked only when the answer depends on it (fewer partitions than shards).
    const ledgerHasEntries =
      partitions !== undefined && partitions < this.shards ? await this.ledgerHasEntries() : true;
    enforce(
      shardsMatchTopicPartitions({
        department: this.department,
        topic,
        shards: this.shards,
        partitions,
        ledgerHasEntries,
      }),
    );
  }

  /**
   * Read back, not assumed: a topic made by hand, by another app first or by
   * an older version keeps its own settings. Refuses to start on any that
   * could lose an acknowledged record (ledgerTopicsVerdict names the fix).
   */
  private async checkLedgerTopics(admin: TransportAdmin, topics: string[]): Promise<void> {
    const verdict = await checkLedgerTopics(admin, topics, {
      devSingleBroker: this.settings.KAFKA_DEV_SINGLE_BROKER,
      bootstrap: this.settings.KAFKA_BROKERS.join(','),
    });
    if (!verdict.ok) throw new Error(verdict.message);
  }

  /**
   * KAFKA_REPLICATION_FACTOR, else three; in development (KAFKA_DEV_SINGLE_BROKER)
   * as many as there are brokers, up to three.
   */
  private async replicationFactor(admin: TransportAdmin): Promise<number> {
    if (this.settings.KAFKA_REPLICATION_FACTOR !== undefined) return this.settings.KAFKA_REPLICATION_FACTOR;
    if (!this.settings.KAFKA_DEV_SINGLE_BROKER) return DURABLE_REPLICATION_FACTOR;
    const { brokerIds: brokers } = await admin.cluster();
    return Math.max(1, Math.min(DURABLE_REPLICATION_FACTOR, brokers.length));
  }
}
