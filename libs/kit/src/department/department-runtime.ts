import { readFileSync } from 'node:fs';

import {
  ConsumerCode,
  ConsumerPipeline,
  KafkaPublisher,
  QueryClient,
  QueryServer,
  repliesTopic,
  requestsTopic,
  type QueryHandler,
  type QuarantineNotice,
  LedgerConsumer,
  chainDestination,
  checkLedgerTopics,
  consumerMigrations,
  durableMinInsync,
  DURABLE_REPLICATION_FACTOR,
  createKafka,
  ensureTopics,
  ledgerTopic,
  protocolVerifier,
  quarantineTopic,
  readableTopics,
  type EventHandler,
  type TopicSpec,
} from '@registry-bus/bus';
import { GrantPolicy } from '@registry-bus/access';
import {
  Ledger,
  LedgerRelay,
  appendToChainTree,
  createDataSource,
  databaseNameOf,
  encodeStoredEntry,
  ledgerMigrations,
  runMigrations,
  shardChains,
  writerRoleName,
} from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import {
  EventTypeRegistry,
  anchorSignedV1,
  controlEventTypes,
  fromBase64,
  loadOrCreateFileSigner,
  trustBundleDigest,
  verifyEd25519Node,
  verifyTrustBundle,
  parseStrictJson,
  type EventTypeDefinition,
  type SignedTrustBundle,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import type { DataSource, MixedList } from 'typeorm';

import { TokenStore } from '../auth/token-store.js';
import { CommandRunner } from '../commands/command-runner.js';
import { PublishedWatch } from '../commands/published-ack.js';
import { kitMigrations } from '../migrations/index.js';
import { trustBundleVersionVerdict } from './trust-bundle-version.js';
import { authorizeQuery } from '../queries/query-grants.js';
import { grantAggregate } from '../access/grant-aggregate.js';
import type { Aggregate, DomainEvent } from '../commands/aggregate.js';
import { recordAggregate } from '../commands/record-aggregate.js';
import { checkRecoverySource, combinedCheck, type SourceCheck } from '../recovery/check-source.js';
import { mirrorSource, type MirrorCoverage } from '../recovery/mirror-source.js';
import {
  combinedReport,
  recoverLedger,
  type RecoveryContext,
  type RecoveryReport,
} from '../recovery/recover-ledger.js';
import { topicSource } from '../recovery/recovery-source.js';
import { lastSeqOnTopic } from '../recovery/topic-reader.js';
import { witnessReaction } from '../witness/witness-reaction.js';

const alarmAggregate = recordAggregate('alarm');
/**
 * How often a department checks its followed ledgers: which it may now read
 * (on a broker with ACLs), and whether one grew partitions (its owner
 * started sharded after this consumer subscribed).
 */
const FOLLOWED_WATCH_MS = 5000;
import { DepartmentMetrics } from '../metrics/department-metrics.js';
import { reaction, type ReactionDefinition } from '../reactions/reaction.js';
import { kafkaSasl, type DepartmentConfig } from './department-config.js';

export interface DepartmentDefinition {
  /** Department id: `land`, `credit`, … (its chain, topic and source). */
  department: string;
  /** Departments whose ledgers this one consumes. */
  follows: string[];
  eventTypes?: EventTypeDefinition[];
  handlers?: EventHandler[];
  /** Reactions to followed departments' events: each appends to this ledger citing its cause. */
  reactions?: ReactionDefinition[];
  /** Background work of the department (the notary's anchoring), started last and stopped first. */
  services?: (runtime: DepartmentRuntime) => DepartmentService[];
  /** Questions other departments may ask this register (answered within the grants given to them). */
  queries?: (runtime: DepartmentRuntime) => QueryHandler[];
  /**
   * The register's aggregates (with the event types each emits): recovery
   * from the topic replays restored entries into their states and read models.
   */
  aggregates?: ReadonlyArray<Aggregate<any, any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  // TypeORM's own type for migration lists.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
}

export interface DepartmentService {
  /** Before the runtime touches Kafka (its database is migrated and its grants loaded): e.g. the broker's ACLs. */
  prepare?(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Everything generic a department app runs: its database (migrated), its
 * signing key, the trust bundle, its ledger with the relay to its topic, and
 * the consumer pipeline over the ledgers it follows.
 */
export class DepartmentRuntime {
  readonly dataSource: DataSource;
  readonly ledger: Ledger;
  readonly registry: EventTypeRegistry;
  readonly commands: CommandRunner;
  readonly tokens: TokenStore;
  readonly metrics: DepartmentMetrics;
  /** Who may have what of the followed ledgers: built from their grant entries. Default deny. */
  readonly policy: GrantPolicy;
  private readonly kafka: Kafka;
  private metricsAdmin: Promise<Admin> | undefined;
  /** Asks other departments' registers (POST /v1/queries/:department/:query). */
  readonly queries: QueryClient;
  readonly signer: Signer;
  private services: DepartmentService[] = [];
  private readonly queryServer: QueryServer;
  private readonly publisher: KafkaPublisher;
  private readonly relay: LedgerRelay;
  private consumer: LedgerConsumer | undefined;
  private pipeline: ConsumerPipeline | undefined;
  private followedTopics: TopicSpec[] = [];
  /** The followed ledger topics the consumer reads now. */
  private consuming: string[] = [];
  /** Partitions of each followed topic when the consumer started: a topic that grows is read again, whole. */
  private consumingPartitions = new Map<string, number>();
  private grantWatch: NodeJS.Timeout | undefined;
  private checkingGrants: Promise<void> | undefined;
  private trustBundle: TrustBundle;

  /** The trust bundle in force (reloaded when a new version is installed). */
  currentTrustBundle(): TrustBundle {
    return this.trustBundle;
  }

  constructor(
    readonly definition: DepartmentDefinition,
    readonly config: DepartmentConfig,
    private readonly logger: Logger,
  ) {
    this.trustBundle = this.loadTrustBundle();
    const signer = loadOrCreateFileSigner(config.KEYS_DIR, definition.department);
    this.signer = signer;
    const queryOptions = {
      department: definition.department,
      namespace: config.KAFKA_TOPIC_NAMESPACE,
      signer,
      trustBundle: () => this.trustBundle,
      verify: verifyEd25519Node,
      onError: (error: unknown) => this.logger.warn({ err: error }, 'query message refused'),
    };
    // Control entries of every followed ledger too: grants, cosignatures and alarms reach every consumer.
    this.registry = new EventTypeRegistry([
      ...[definition.department, ...definition.follows].flatMap((department) => controlEventTypes(department)),
      // The notary's anchors: every witness checks them, the notary writes them.
      ...(definition.department === 'notary' || definition.follows.includes('notary') ? [anchorSignedV1] : []),
      ...(definition.eventTypes ?? []),
    ]);
    this.dataSource = createDataSource({
      url: config.DATABASE_URL,
      applicationName: `registry-bus-${definition.department}`,
      // Expected while the database is away (the caller answers 503 or retries): a warning, not a crash.
      onQueryError: (error, query) => this.logger.warn({ err: error, query: query.slice(0, 200) }, 'query failed'),
    });
    this.kafka = createKafka({
      clientId: `registry-bus-${definition.department}`,
      brokers: config.KAFKA_BROKERS,
      sasl: kafkaSasl(config),
      log: (level, message, extra) => this.logger[level]({ ...extra }, message),
    });
    this.publisher = new KafkaPublisher(this.kafka);
    if (definition.department === 'notary' && config.LEDGER_SHARDS > 1)
      // Every witness and receipt reads the anchors from the one chain `notary`; anchors are few.
      throw new Error('LEDGER_SHARDS: the notary ledger is not sharded (LEDGER_SHARDS must be 1 for the notary)');
    const chains = shardChains(definition.department, config.LEDGER_SHARDS);
    this.relay = new LedgerRelay({
      dataSource: this.dataSource,
      publisher: this.publisher,
      chains,
      // A shard is a partition of the department's topic: each chain in its own order.
      destination: (chain) => chainDestination(chain, config.KAFKA_TOPIC_NAMESPACE),
      encode: encodeStoredEntry,
      lingerMs: config.LEDGER_RELAY_LINGER_MS,
      onError: (chain, error, retryInMs) =>
        this.logger.warn({ chain, retryInMs, err: error }, 'relay cannot publish; entries wait in the ledger'),
      onPublished: (chain, lastSeq) => this.publishedWatches?.get(chain)?.advanced(lastSeq),
    });
    this.publishedWatches =
      config.LEDGER_ACK === 'published'
        ? new Map(
            chains.map((chain) => [
              chain,
              new PublishedWatch(async () => (await this.relay.publishedSeq(chain)) ?? 0, config.LEDGER_ACK_TIMEOUT_MS),
            ]),
          )
        : undefined;
    this.ledger = new Ledger({
      dataSource: this.dataSource,
      chain: definition.department,
      shards: config.LEDGER_SHARDS,
      signer,
      trustBundle: () => this.trustBundle,
      onCommitted: (chain, lastSeq) => {
        this.metrics.committed(chain, lastSeq);
        this.relay.notify(chain);
      },
    });
    this.metrics = new DepartmentMetrics({
      department: definition.department,
      chains,
      dataSource: this.dataSource,
      ...(definition.follows.length > 0 ? { kafkaAdmin: () => this.adminForMetrics() } : {}),
    });
    this.commands = new CommandRunner(
      this.ledger,
      this.dataSource,
      (outcome) => this.metrics.commands.inc({ outcome }),
      this.publishedWatches ? (chain, seq) => this.publishedWatches!.get(chain)!.wait(seq) : undefined,
    );
    this.tokens = new TokenStore(this.dataSource, definition.department);
    this.policy = new GrantPolicy(definition.department, (type) => this.registry.isControl(type));
    this.queries = new QueryClient({ ...queryOptions, kafka: this.kafka });
    this.queryServer = new QueryServer({
      ...queryOptions,
      kafka: this.kafka,
      handlers: definition.queries?.(this) ?? [],
      // A question about control entries (anchors, cosignatures) is open to every department: they reach every consumer.
      authorize: (requester, eventType) =>
        this.registry.isControl(eventType)
          ? Promise.resolve({ kind: 'allow', fields: '*' })
          : authorizeQuery(this.dataSource, definition.department, requester, eventType),
      audit: async (record) => {
        await this.dataSource.query(
          `INSERT INTO query_audit (request_id, requester, query, params, outcome, fields, code, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            record.requestId,
            record.requester,
            record.query,
            JSON.stringify(record.params),
            record.outcome,
            record.fields,
            record.code ?? null,
            record.reason ?? null,
          ],
        );
      },
    });
  }

  /**
   * Someone rewrote or forged history (an equivocation: two signed entries at one seq): an
   * alarm entry of this department's own ledger, once per chain, seq and
   * code, beside the loud log and the metric.
   */
  private async raiseAlarm(notice: QuarantineNotice): Promise<void> {
    const kind = notice.failure.code === ConsumerCode.EQUIVOCATION ? 'equivocation' : 'gap';
    const chain = notice.chain ?? 'unknown';
    try {
      await this.commands.run(
        alarmAggregate,
        `alarm:${chain}`,
        {
          type: `gov.${this.definition.department}.alarm.raised.v1`,
          data: {
            kind,
            chain,
            ...(notice.seq !== undefined ? { seq: String(notice.seq) } : {}),
            detail: notice.failure.reason.slice(0, 2000),
          },
        },
        { actor: 'system:consumer', idempotencyKey: `alarm:${chain}:${notice.seq ?? '?'}:${notice.failure.code}` },
      );
    } catch (error) {
      this.logger.error({ err: error, chain }, 'could not record the alarm entry');
    }
  }

  /** One admin client for scrape-time lag, connected on first use. */
  private adminForMetrics(): Promise<Admin> {
    if (!this.metricsAdmin) {
      const admin = this.kafka.admin();
      this.metricsAdmin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.metricsAdmin = undefined;
          throw error;
        },
      );
    }
    return this.metricsAdmin;
  }

  /** Migrates, connects, creates topics, starts relay and consumer. */
  async start(): Promise<void> {
    const { department, follows } = this.definition;
    if (this.config.DATABASE_MIGRATIONS_URL) {
      const applied = await runMigrations(this.config.DATABASE_MIGRATIONS_URL, [
        ...ledgerMigrations,
        ...consumerMigrations,
        ...kitMigrations,
        ...((this.definition.migrations as []) ?? []),
      ]);
      if (applied.length > 0) this.logger.info({ applied }, 'migrations applied');
      await grantWriterRole(this.config.DATABASE_MIGRATIONS_URL, this.config.DATABASE_URL);
    }
    await this.dataSource.initialize();
    await this.checkShards();
    await this.applyTrustBundleVersion();
    for (const chain of this.ledger.chains)
      this.metrics.startFrom(chain, (await this.ledger.reader.head(chain))?.seq ?? 0);
    await this.policy.load(this.dataSource);
    this.services = this.definition.services?.(this) ?? [];
    for (const service of this.services) await service.prepare?.();
    const namespace = this.config.KAFKA_TOPIC_NAMESPACE;
    const admin = this.kafka.admin();
    await admin.connect();
    let readable: string[];
    try {
      const replicationFactor = await this.replicationFactor(admin);
      const spec = (topic: string, retainForever = true, partitions = 1): TopicSpec => ({
        topic,
        partitions,
        replicationFactor,
        retainForever,
        ...(retainForever ? { minInsyncReplicas: durableMinInsync(replicationFactor) } : {}),
      });
      this.followedTopics = follows.map((owner) => spec(ledgerTopic(owner, namespace)));
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
        spec(ledgerTopic(department, namespace), true, this.ledger.chains.length),
        spec(quarantineTopic(department, namespace)),
        // Queries and replies are conversations, not records: a week of retention is plenty.
        spec(requestsTopic(department, namespace), false),
        spec(repliesTopic(department, namespace), false),
      ]);
      await this.checkLedgerTopics(admin, ledgerTopics);
      // On an open broker followed ledgers are created here too when their owner has not started yet (a
      // consumer can only subscribe to topics that exist). With ACLs only owners create their topics, and
      // this department reads those it may (a grant) once they exist; watchFollowed picks up the rest.
      if (this.secured) {
        readable = await readableTopics(
          admin,
          this.followedTopics.map((followed) => followed.topic),
        );
      } else {
        await ensureTopics(admin, this.followedTopics);
        readable = this.followedTopics.map((followed) => followed.topic);
      }
      await this.catchUpWithTopic(admin);
    } finally {
      await admin.disconnect();
    }
    this.relay.start();
    for (const [chain, watch] of this.publishedWatches ?? [])
      watch.advanced((await this.relay.publishedSeq(chain)) ?? 0);
    await this.queryServer.start();
    await this.queries.start();
    if (follows.length > 0) {
      await this.waitForGroupCoordinator(`${namespace}registry-bus.${department}`);
      this.pipeline = new ConsumerPipeline({
        dataSource: this.dataSource,
        verifier: protocolVerifier({ trustBundle: () => this.trustBundle, registry: this.registry }),
        handlers: [
          ...(this.definition.handlers ?? []),
          ...[
            ...(this.definition.reactions ?? []),
            ...(follows.includes('notary')
              ? [
                  witnessReaction({
                    department,
                    follows,
                    // With broker ACLs a followed ledger without a grant is not read at all: nothing to witness.
                    reads: (owner) => !this.secured || this.consuming.includes(ledgerTopic(owner, namespace)),
                    dataSource: this.dataSource,
                    ledger: this.ledger,
                    signer: this.signer,
                  }),
                ]
              : []),
          ].map((definition) => reaction(definition, this.commands)),
        ],
        policy: this.policy,
        // Every department witnesses every chain it follows: a hash-only Merkle tree, checked against anchors.
        onApplied: (entries, manager) =>
          appendToChainTree(
            manager,
            entries[0]!.chain,
            entries[0]!.seq - 1,
            entries.map((entry) => entry.hash),
          ),
        onAccessAudit: (record) =>
          this.metrics.accessAudit.inc({ decision: record.decision, owner: record.chain.split('/')[0]! }),
        topicNamespace: namespace,
        onQuarantine: (notice) => {
          this.metrics.quarantinedNow.inc({ code: notice.failure.code });
          if (notice.alarm) void this.raiseAlarm(notice);
          this.logger[notice.alarm ? 'error' : 'warn'](
            { code: notice.failure.code, chain: notice.chain, seq: notice.seq, alarm: notice.alarm },
            `quarantined: ${notice.failure.reason}`,
          );
        },
      });
      await this.startConsumer(readable);
      this.watchFollowed();
    }
    for (const service of this.services) await service.start();
    this.logger.info({ department, follows }, 'department runtime started');
  }

  /** LEDGER_ACK=published: what the relay has published, per chain. */
  private readonly publishedWatches: Map<string, PublishedWatch> | undefined;

  /** The report of the recovery this start ran, if it ran one (logged, and answered by GET /v1/ledger/recovery). */
  lastRecovery: RecoveryReport | undefined;

  /**
   * Before anything is written or published: does the department's topic
   * hold entries its database does not? Then the database was lost or
   * restored from an older backup, and appending now would give those seqs a
   * second meaning (an equivocation every consumer alarms on). Refuse, naming
   * the way out, or rebuild from the topic when LEDGER_RECOVERY=from-topic.
   * With LEDGER_RECOVERY=from-mirror the ledger is first rebuilt from the
   * mirrors other departments keep (the topic may be gone); the topic check
   * still follows, so a topic ahead of every mirror is not silently forked.
   */
  private async catchUpWithTopic(admin: Admin): Promise<void> {
    const { department } = this.definition;
    const namespace = this.config.KAFKA_TOPIC_NAMESPACE;
    const topic = ledgerTopic(department, namespace);
    const groupPrefix = `${namespace}registry-bus.${department}`;
    const mirrors = this.config.LEDGER_RECOVERY_MIRRORS;
    if (this.config.LEDGER_RECOVERY === 'from-mirror' && mirrors) {
      // The topic may be gone with the database: what other departments verified and kept is the copy left.
      await this.recover((chain) => {
        const source = mirrorSource({ mirrors, chain, department, signer: this.signer });
        return {
          source,
          anchors: mirrorSource({ mirrors, chain: 'notary', department, signer: this.signer }),
          published: false,
          coverage: source.coverage,
        };
      });
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    // Each chain (shard) is a partition of the topic: each is held to its own partition.
    let behind = false;
    for (const chain of this.ledger.chains) {
      const { partition } = chainDestination(chain, namespace);
      const head = (await this.ledger.reader.head(chain))?.seq ?? 0;
      const at = offsets.find((offset) => offset.partition === partition);
      const records = Number(at?.high ?? 0) - Number(at?.low ?? 0);
      // Each entry is published at least once: fewer records than entries is the normal case, and cheap to tell.
      if (records <= head) continue;
      const lastSeq = await lastSeqOnTopic(
        this.kafka,
        topic,
        Number(at!.high) - 1,
        groupPrefix,
        partition,
        offsets.map((offset) => offset.partition),
      );
      if (lastSeq <= head) continue;
      if (this.config.LEDGER_RECOVERY !== 'from-topic') {
        const where = chain === department ? `its topic ${topic}` : `partition ${partition} of ${topic}`;
        throw new Error(
          `${chain === department ? '' : `the chain ${chain} of `}the ledger of ${department} ends at entry ${head} ` +
            `but ${where} holds entries up to ${lastSeq}: ` +
            `its database was lost or restored from an older backup. Writing now would fork its history. ` +
            `Rebuild it from the topic: start with LEDGER_RECOVERY=from-topic (npm run recover -- ${department}); README, "Recovery"`,
        );
      }
      behind = true;
    }
    if (!behind) return;
    const stamp = Date.now().toString(36);
    // Every chain from its partition (a chain that was not behind reads back as duplicates only).
    await this.recover((chain, index) => ({
      source: topicSource(
        this.kafka,
        topic,
        `${groupPrefix}.recovery-${stamp}-${index}`,
        chainDestination(chain, namespace).partition,
      ),
      anchors: topicSource(
        this.kafka,
        ledgerTopic('notary', namespace),
        `${groupPrefix}.recovery-anchors-${stamp}-${index}`,
      ),
      published: true,
    }));
  }

  /**
   * Tests the off-site copy while the ledger is still here (POST
   * /v1/ledger/recovery/check): would a recovery from the topic, or from the
   * configured mirrors, give back every entry? One check at a time: each
   * reads the whole copy.
   */
  checkOffsiteCopy(from: 'topic' | 'mirrors'): Promise<SourceCheck> | 'no-mirrors' | 'busy' {
    const { department } = this.definition;
    const namespace = this.config.KAFKA_TOPIC_NAMESPACE;
    const mirrors = this.config.LEDGER_RECOVERY_MIRRORS;
    if (from === 'mirrors' && !mirrors) return 'no-mirrors';
    if (this.checkingCopy) return 'busy';
    const stamp = Date.now().toString(36);
    const checkChain = (chain: string, index: number) =>
      checkRecoverySource(
        from === 'mirrors'
          ? mirrorSource({ mirrors: mirrors!, chain, department, signer: this.signer })
          : topicSource(
              this.kafka,
              ledgerTopic(department, namespace),
              `${namespace}registry-bus.${department}.recovery-check-${stamp}-${index}`,
              chainDestination(chain, namespace).partition,
            ),
        chain,
        this.dataSource,
        this.trustBundle,
      );
    const check = (async () => {
      const checks: SourceCheck[] = [];
      // One chain after another: each reads its whole copy.
      for (const [index, chain] of this.ledger.chains.entries()) checks.push(await checkChain(chain, index));
      return checks.length === 1 ? checks[0]! : combinedCheck(department, checks);
    })();
    this.checkingCopy = check;
    void check.catch(() => undefined).finally(() => (this.checkingCopy = undefined));
    return check;
  }

  private checkingCopy: Promise<SourceCheck> | undefined;

  /**
   * Rebuilds every chain of the ledger (its one, or each shard) from the
   * sources `sourcesOf` names for it, and says so: the report is logged and
   * kept for GET /v1/ledger/recovery.
   */
  private async recover(
    sourcesOf: (
      chain: string,
      index: number,
    ) => Pick<RecoveryContext, 'source' | 'anchors' | 'published'> & { coverage?: MirrorCoverage[] },
  ): Promise<void> {
    const { department } = this.definition;
    const reports: RecoveryReport[] = [];
    for (const [index, chain] of this.ledger.chains.entries()) {
      const { coverage, ...sources } = sourcesOf(chain, index);
      const report = await recoverLedger({
        department,
        chain,
        // The grants are in every shard: their states are replayed from the first one only.
        replaysEveryChainAggregates: index === 0,
        ...sources,
        dataSource: this.dataSource,
        reader: this.ledger.reader,
        trust: this.trustBundle,
        aggregates: [
          ...(this.definition.aggregates ?? []),
          { ...grantAggregate, eventTypes: [`gov.${department}.access.*`] },
        ] as Array<Aggregate<unknown, DomainEvent, unknown>>,
        log: (message, details) => this.logger.warn(details ?? {}, `recovery: ${message}`),
      });
      if (coverage) report.mirrors = coverage;
      reports.push(report);
      this.metrics.startFrom(chain, report.head);
    }
    const report = reports.length === 1 ? reports[0]! : combinedReport(department, reports);
    this.lastRecovery = report;
    this.logger.warn({ report }, `recovery: ${department} rebuilt from ${report.source}; opening for writes`);
  }

  /**
   * The shard count is fixed for the life of a ledger: with another one, a
   * subject's next entries would land in another chain than its earlier
   * ones, and followers (who apply each chain in its own order) could see
   * them out of order. Refused at start-up, naming the count it was written
   * with: the chains that hold entries must be exactly the configured ones.
   */
  private async checkShards(): Promise<void> {
    // A loose index scan over (chain, seq): one probe per chain, however long the chains are.
    const rows: Array<{ chain: string }> = await this.dataSource.query(
      `WITH RECURSIVE chains AS (
         SELECT min(chain) AS chain FROM ledger_entry
         UNION ALL
         SELECT (SELECT min(chain) FROM ledger_entry WHERE chain > chains.chain) FROM chains WHERE chains.chain IS NOT NULL
       ) SELECT chain FROM chains WHERE chain IS NOT NULL`,
    );
    const written = rows.map((row) => row.chain);
    const foreign = written.filter((chain) => !this.ledger.chains.includes(chain));
    if (foreign.length === 0) return;
    throw new Error(
      `LEDGER_SHARDS=${this.config.LEDGER_SHARDS} names the chains ${this.ledger.chains.join(', ')}, but the ledger of ` +
        `${this.definition.department} holds entries in ${written.join(', ')}: it was written with ` +
        `${
          written.some((chain) => chain.includes('/'))
            ? `LEDGER_SHARDS=${Math.max(...written.map((chain) => Number(chain.split('/')[1] ?? 0))) + 1} or more`
            : 'LEDGER_SHARDS=1'
        }. ` +
        `The shard count is fixed for the life of a ledger (a subject must stay in its chain); start with that count`,
    );
  }

  /**
   * Growing the shard count leaves the chains in the database valid (they
   * are a subset), so the topic tells: it has one partition per shard the
   * ledger was written with. Fewer partitions than shards is a new ledger
   * only while it has no entries (a follower may have created the topic with
   * one partition before its owner first started); more partitions than
   * shards is always a ledger written sharded — its database may be the one
   * that was lost.
   */
  private async checkShardsAgainstTopic(admin: Admin): Promise<void> {
    const topic = ledgerTopic(this.definition.department, this.config.KAFKA_TOPIC_NAMESPACE);
    if (!(await admin.listTopics()).includes(topic)) return;
    const partitions = (await admin.fetchTopicOffsets(topic)).length;
    const shards = this.ledger.chains.length;
    if (partitions === shards) return;
    if (partitions < shards) {
      const [any] = await this.dataSource.query('SELECT 1 FROM ledger_entry LIMIT 1');
      if (!any) return;
    }
    throw new Error(
      `LEDGER_SHARDS=${shards}, but the ledger of ${this.definition.department} was written with ${partitions} ` +
        `shard(s) (its topic ${topic} has ${partitions} partitions): the shard count is fixed for the life of a ledger ` +
        `(a subject must stay in its chain); start with LEDGER_SHARDS=${partitions}`,
    );
  }

  /**
   * Versions of the trust bundle only go up for a department: the bundle it
   * starts with is refused when older than (or, at the same version, other
   * than) the one it applied last, and remembered when newer.
   */
  private async applyTrustBundleVersion(): Promise<void> {
    const offered = {
      version: this.trustBundle.version,
      digest: trustBundleDigest(this.trustBundle),
      file: this.config.TRUST_BUNDLE_FILE,
    };
    const rows: Array<{ version: string; digest: string; applied_at: Date }> = await this.dataSource.query(
      'SELECT version, digest, applied_at FROM trust_bundle_applied ORDER BY version DESC LIMIT 1',
    );
    const applied = rows[0]
      ? { version: Number(rows[0].version), digest: rows[0].digest, appliedAt: rows[0].applied_at }
      : undefined;
    const verdict = trustBundleVersionVerdict(offered, applied);
    if (verdict.kind === 'refuse') throw new Error(verdict.reason);
    if (verdict.kind === 'apply') {
      await this.dataSource.query('INSERT INTO trust_bundle_applied (version, digest, file) VALUES ($1, $2, $3)', [
        offered.version,
        offered.digest,
        offered.file,
      ]);
      this.logger.info(
        { version: offered.version, previous: applied?.version ?? null },
        'trust bundle version applied',
      );
    }
  }

  /**
   * Read back, not assumed: a topic made by hand, by another app first or by
   * an older version keeps its own settings. Refuses to start on any that
   * could lose an acknowledged record (ledgerTopicsVerdict names the fix).
   */
  private async checkLedgerTopics(admin: Admin, topics: string[]): Promise<void> {
    const verdict = await checkLedgerTopics(admin, topics, {
      devSingleBroker: this.config.KAFKA_DEV_SINGLE_BROKER,
      bootstrap: this.config.KAFKA_BROKERS.join(','),
    });
    if (!verdict.ok) throw new Error(verdict.message);
  }

  /**
   * KAFKA_REPLICATION_FACTOR, else three; in development (KAFKA_DEV_SINGLE_BROKER)
   * as many as there are brokers, up to three.
   */
  private async replicationFactor(admin: Admin): Promise<number> {
    if (this.config.KAFKA_REPLICATION_FACTOR !== undefined) return this.config.KAFKA_REPLICATION_FACTOR;
    if (!this.config.KAFKA_DEV_SINGLE_BROKER) return DURABLE_REPLICATION_FACTOR;
    const { brokers } = await admin.describeCluster();
    return Math.max(1, Math.min(DURABLE_REPLICATION_FACTOR, brokers.length));
  }

  /** On a broker with users and ACLs (the department has credentials), reading another ledger needs a grant. */
  private get secured(): boolean {
    return kafkaSasl(this.config) !== undefined;
  }

  /** Reads `topics` (the followed ledgers it may read), replacing the consumer of a previous set. */
  private async startConsumer(topics: string[]): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
    this.consuming = [...topics].sort();
    if (topics.length === 0) return;
    // Counted before the group is joined: a partition added after this is found by watchFollowed.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      this.consumingPartitions = new Map(described.map((topic) => [topic.name, topic.partitions.length]));
    } finally {
      await admin.disconnect();
    }
    const namespace = this.config.KAFKA_TOPIC_NAMESPACE;
    this.consumer = new LedgerConsumer({
      kafka: this.kafka,
      groupId: `${namespace}registry-bus.${this.definition.department}`,
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

  /**
   * Every few seconds, the followed ledgers again. On a broker with ACLs the
   * readable ones change with the grants (the broker steward turns grants
   * into ACLs): read what is now readable, stop reading what no longer is.
   * And a followed topic that grew partitions — its owner started sharded
   * after this department subscribed — is read whole: a consumer group is
   * not given a partition added after it joined. Positions live in the
   * database, so a new consumer resumes exactly where the old one stopped.
   */
  private watchFollowed(): void {
    const department = this.definition.department;
    const namespace = this.config.KAFKA_TOPIC_NAMESPACE;
    const check = async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const names = (topics: string[]) => topics.map((topic) => topic.slice(namespace.length)).join(', ');
        const readable = this.secured
          ? (
              await readableTopics(
                admin,
                this.followedTopics.map((followed) => followed.topic),
              )
            ).sort()
          : this.consuming;
        const grown =
          readable.length === 0
            ? []
            : (await admin.fetchTopicMetadata({ topics: readable })).topics
                .filter((topic) => topic.partitions.length > (this.consumingPartitions.get(topic.name) ?? Infinity))
                .map((topic) => topic.name);
        if (readable.join() === this.consuming.join() && grown.length === 0) return;
        const gained = readable.filter((topic) => !this.consuming.includes(topic));
        const lost = this.consuming.filter((topic) => !readable.includes(topic));
        this.logger.info(
          { gained, lost, grown },
          [
            gained.length > 0 ? `the broker now lets ${department} read ${names(gained)}` : '',
            lost.length > 0 ? `${department} may no longer read ${names(lost)}` : '',
            grown.length > 0 ? `${names(grown)} grew partitions (sharded): ${department} reads them all` : '',
          ]
            .filter(Boolean)
            .join('; '),
        );
        await this.startConsumer(readable);
      } finally {
        await admin.disconnect();
      }
    };
    this.grantWatch = setInterval(() => {
      if (this.checkingGrants) return;
      this.checkingGrants = check()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not check the followed ledgers'))
        .finally(() => (this.checkingGrants = undefined));
    }, FOLLOWED_WATCH_MS);
    this.grantWatch.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.grantWatch);
    await this.checkingGrants;
    for (const service of [...this.services].reverse()) await service.stop().catch(() => undefined);
    await this.consumer?.stop().catch(() => undefined);
    await this.queries.stop();
    await this.queryServer.stop();
    await this.metricsAdmin?.then((admin) => admin.disconnect()).catch(() => undefined);
    await this.ledger.close();
    await this.relay.stop();
    await this.publisher.disconnect().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /**
   * On a fresh broker the group coordinator needs a moment to load its
   * offsets topic; joining before that makes kafkajs log a consumer "crash".
   * Asking for the group until the coordinator answers (at most 30 s) keeps
   * the logs of a normal start free of errors.
   */
  private async waitForGroupCoordinator(groupId: string): Promise<void> {
    // A client of its own without the app's logger: the expected refusals while loading are not news.
    const admin = createKafka({
      clientId: `registry-bus-${this.definition.department}-probe`,
      brokers: this.config.KAFKA_BROKERS,
      sasl: kafkaSasl(this.config),
    }).admin();
    await admin.connect();
    try {
      for (let attempt = 0; attempt < 60; attempt++) {
        try {
          await admin.describeGroups([groupId]);
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      this.logger.warn(
        { groupId },
        'the group coordinator did not answer within 30 s; the consumer will keep retrying',
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** The trust bundle in force (verified against the governance root key at start-up). */
  get trust(): TrustBundle {
    return this.trustBundle;
  }

  readonly log = (): Logger => this.logger;

  private loadTrustBundle(): TrustBundle {
    const signed = parseStrictJson(
      readFileSync(this.config.TRUST_BUNDLE_FILE, 'utf8'),
      'the trust bundle file',
    ) as SignedTrustBundle;
    const root = fromBase64(readFileSync(this.config.TRUST_ROOT_PUBLIC_KEY_FILE, 'utf8').trim());
    return verifyTrustBundle(signed, root);
  }
}

/**
 * The app works as a member of `<database>_writer` (INSERT and SELECT on the
 * ledger), never as the owner: the owner, having migrated, makes the app's
 * login a member. Nothing to do when both are the same user.
 */
async function grantWriterRole(ownerUrl: string, appUrl: string): Promise<void> {
  const appUser = decodeURIComponent(new URL(appUrl).username);
  const owner = decodeURIComponent(new URL(ownerUrl).username);
  if (!appUser || appUser === owner) return;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const writer = writerRoleName(databaseNameOf(ownerUrl));
    await client.query(`GRANT "${writer.replace(/"/g, '""')}" TO "${appUser.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
