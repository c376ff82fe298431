import {
  ConsumerPipeline,
  LedgerConsumer,
  departmentGroups,
  type KafkaTransport,
  protocolVerifier,
  type EventHandler,
  type KeyTimeOptions,
  type QuarantineNotice,
  type SealedDataOpener,
} from '@registry-bus/bus';
import type { GrantPolicy } from '@registry-bus/access';
import { appendToChainTree } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import type { EventTypeRegistry, TrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { DepartmentMetrics } from '../../../metrics/department-metrics.js';
import { departmentOfChain } from '@registry-bus/protocol';

export interface FollowingOptions {
  department: string;
  namespace: string;
  /** For the group-coordinator probe: a client of its own. */
  trustBundle: () => TrustBundle;
  registry: EventTypeRegistry;
  policy: GrantPolicy;
  /** Keys judged at receipt, claimed times checked, held entries released by quorum checkpoints (issue #24). */
  keyTime?: KeyTimeOptions;
  /** Opens the sealed fields the grants give this department, with keys its owners release (issue #28). */
  opener?: SealedDataOpener;
}

/**
 * The following part: the consumer pipeline over the followed ledgers
 * (verify, grant, apply, witness), and the consumer reading the topics it may.
 */
export class Following {
  private consumer: LedgerConsumer | undefined;
  private pipeline: ConsumerPipeline | undefined;
  /** The followed ledger topics the consumer reads now. */
  consuming: string[] = [];
  /** Partitions of each followed topic when the consumer started: a topic that grows is read again, whole. */
  private partitions = new Map<string, number>();

  constructor(
    private readonly kafka: KafkaTransport,
    private readonly dataSource: DataSource,
    private readonly metrics: Pick<DepartmentMetrics, 'consumed' | 'accessAudit'>,
    private readonly options: FollowingOptions,
    /** The followed ledger topics readable at start. */
    private readonly readable: () => string[],
    private readonly onQuarantine: (notice: QuarantineNotice) => void,
    /** The department's handlers and reactions, asked for when the consumer starts. */
    private readonly handlers: () => EventHandler[],
    private readonly logger: Logger,
  ) {}

  private get groupId(): string {
    return departmentGroups(this.options.department, this.options.namespace).following;
  }

  async start(): Promise<void> {
    this.pipeline = new ConsumerPipeline({
      dataSource: this.dataSource,
      verifier: protocolVerifier({ trustBundle: this.options.trustBundle, registry: this.options.registry }),
      handlers: this.handlers(),
      policy: this.options.policy,
      // Every department witnesses every chain it follows: a hash-only Merkle tree, checked against anchors.
      onApplied: (entries, manager) =>
        appendToChainTree(
          manager,
          entries[0]!.chain,
          entries[0]!.seq - 1,
          entries.map((entry) => entry.hash),
        ),
      onAccessAudit: (record) =>
        this.metrics.accessAudit.inc({
          decision: record.decision,
          owner: departmentOfChain(record.chain) ?? record.chain,
        }),
      topicNamespace: this.options.namespace,
      onQuarantine: this.onQuarantine,
      ...(this.options.keyTime ? { keyTime: this.options.keyTime } : {}),
      ...(this.options.opener ? { opener: this.options.opener } : {}),
    });
    await this.startConsumer(this.readable());
  }

  /** Partitions of `topic` when the consumer started reading it. */
  partitionsOf(topic: string): number | undefined {
    return this.partitions.get(topic);
  }

  /** Reads `topics` (the followed ledgers it may read), replacing the consumer of a previous set. */
  async startConsumer(topics: string[]): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    this.consuming = [...topics].sort();
    if (topics.length === 0) return;
    // Counted before the group is joined: a partition added after this is found by the followed-ledgers watch.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const described = await admin.topicMetadata(topics);
      this.partitions = new Map(described.map((topic) => [topic.name, topic.partitions.length]));
    } finally {
      await admin.disconnect();
    }
    const namespace = this.options.namespace;
    this.consumer = new LedgerConsumer({
      kafka: this.kafka,
      groupId: this.groupId,
      topics,
      pipeline: this.pipeline!,
      onOutcome: (record, outcome) =>
        this.metrics.consumed.inc({ topic: record.topic.slice(namespace.length), outcome: outcome.kind }),
      onError: (error, record, retryInMs) =>
        this.logger.warn(
          { topic: record.topic, offset: record.offset, retryInMs, err: error },
          'consumer retrying a record',
        ),
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
  }
}
