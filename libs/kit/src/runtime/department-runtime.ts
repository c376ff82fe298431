import { GrantPolicy } from '@registry-bus/access';
import { ledgerTopic, receivedGrantEntries, type QueryClient } from '@registry-bus/bus';
import { Ledger, shardChains } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import { EventTypeRegistry, loadOrCreateFileSigner, type Signer, type TrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { TokenStore } from '../auth/token-store.js';
import { grantAggregate } from '../access/grant-aggregate.js';
import { tokenAggregate } from '../auth/token-aggregate.js';
import type { Aggregate } from '../commands/aggregate.js';
import { CommandRunner } from '../commands/command-runner.js';
import { kafkaSasl, type DepartmentConfig } from '../department/department-config.js';
import { DepartmentMetrics } from '../metrics/department-metrics.js';
import type { RecoveryReport } from '../recovery/recover-ledger.js';
import type { SourceCheck } from '../recovery/check-source.js';
import {
  departmentEventTypes,
  followsAnchors,
  type DepartmentContext,
  type DepartmentDefinition,
} from './department-definition.js';
import { DepartmentServices } from './department-services.js';
import { followerHandlers } from './follower-handlers.js';
import { checkWrittenChains, enforce, hasEntries, unshardedChainIsOneShard } from './guards/index.js';
import { Lifecycle } from './lifecycle.js';
import { AlarmWriter, reportQuarantine } from './parts/alarms/index.js';
import { Answering } from './parts/answering/index.js';
import { DataKeys, keyReleaseHandler, sealedDataOpener } from './parts/data-keys/index.js';
import { DepartmentDatabase, departmentDataSource } from './parts/database/index.js';
import { FollowedWatch } from './parts/followed-watch/index.js';
import { Following, alarmOnEntriesRefusedByBundle, checkpointRelease } from './parts/following/index.js';
import { Publishing } from './parts/publishing/index.js';
import { Recovery } from './parts/recovery/index.js';
import { MetricsAdmin, metricsFromHeads } from './parts/metrics/index.js';
import { DepartmentTopics, TopicGeneration, departmentKafka } from './parts/topics/index.js';
import { DepartmentTrust } from './parts/trust/index.js';

/**
 * A department, composed: the path of an event from a command to the
 * ledger, the relay, the topic, the followers, the anchors and the witnesses,
 * built from named parts. Wiring only; each part does its one job.
 */
export class DepartmentRuntime implements DepartmentContext {
  readonly dataSource: DataSource;
  readonly ledger: Ledger;
  readonly registry: EventTypeRegistry;
  readonly commands: CommandRunner;
  readonly tokens: TokenStore;
  readonly metrics: DepartmentMetrics;
  /** Who may have what of the followed ledgers: built from their grant entries. Default deny. */
  readonly policy: GrantPolicy;
  /** Asks other departments' registers (POST /v1/queries/:department/:query). */
  readonly queries: QueryClient;
  readonly signer: Signer;
  /** The aggregates of the register and its grants, with their event types: what GET /v1/ledger/verify folds. */
  readonly stateAggregates: ReadonlyArray<Aggregate<any, any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The trust part: the bundle in force, and bundles published on the notary's ledger taken into force (#24). */
  readonly trustPart: DepartmentTrust;
  private readonly recovery: Recovery;
  private readonly lifecycle: Lifecycle;
  /** Reached by the faults drill (test/e2e/faults.spec.ts), which stops it to stand for Kafka being away. */
  private readonly relay: Publishing['relay'];

  constructor(
    readonly definition: DepartmentDefinition,
    readonly config: DepartmentConfig,
    private readonly logger: Logger,
  ) {
    const { department, follows, aggregates = [] } = definition;
    // Every aggregate whose states this department keeps, with the event types that move them (held to the ledger).
    const stateAggregates = [
      ...aggregates,
      { ...grantAggregate, eventTypes: [`gov.${department}.access.*`] },
      tokenAggregate(department),
    ];
    this.stateAggregates = stateAggregates;
    const namespace = config.KAFKA_TOPIC_NAMESPACE;
    const sasl = kafkaSasl(config);
    // On a broker with users and ACLs (the department has credentials), reading another ledger needs a grant.
    const secured = sasl !== undefined;

    // Database and trust: the pool, and the bundle every signature is checked against.
    const dataSource = (this.dataSource = departmentDataSource(department, config.DATABASE_URL, logger));
    const database = new DepartmentDatabase(dataSource, config, definition.migrations, logger);
    const trust = (this.trustPart = new DepartmentTrust(config, dataSource, logger));
    const trustBundle = () => trust.bundle;
    const signer = (this.signer = loadOrCreateFileSigner(config.KEYS_DIR, definition.department));
    const registry = (this.registry = new EventTypeRegistry(departmentEventTypes(definition)));
    const kafka = departmentKafka(department, config, logger);
    const unsharded = definition.unsharded ?? false;
    enforce(unshardedChainIsOneShard({ department, unsharded, shards: config.LEDGER_SHARDS }));
    const chains = shardChains(department, config.LEDGER_SHARDS);
    const metricsAdmin = new MetricsAdmin(kafka);
    const metrics = (this.metrics = new DepartmentMetrics({
      department,
      chains,
      dataSource,
      ...(follows.length > 0 ? { kafkaAdmin: () => metricsAdmin.get() } : {}),
    }));

    // Command → ledger → relay (sealing each batch's data under its subjects' keys) → topic.
    const dataKeys = new DataKeys(dataSource, department, config.KEYS_DIR, registry);
    const publishing = new Publishing(kafka, dataSource, chains, config, logger, dataKeys.encodeBatch);
    this.relay = publishing.relay;
    const ledger = (this.ledger = new Ledger({
      dataSource,
      chain: department,
      shards: config.LEDGER_SHARDS,
      signer,
      trustBundle,
      onCommitted: (chain, lastSeq) => {
        metrics.committed(chain, lastSeq);
        publishing.notify(chain);
      },
    }));
    const commands = (this.commands = new CommandRunner(
      ledger,
      dataSource,
      (outcome) => metrics.commands.inc({ outcome }),
      publishing.waitPublished,
      (aggregate) => stateAggregates.find((known) => known.name === aggregate)?.eventTypes,
    ));
    // Tokens are issued and revoked as entries of this ledger, and checked against them (issue #27).
    this.tokens = new TokenStore(dataSource, department, { commands, trustBundle });
    const policy = (this.policy = new GrantPolicy(department, (type) => registry.isControl(type)));
    const shape = { department, follows, shards: chains.length, secured };
    const probe = departmentKafka(department, config);
    const topics = new DepartmentTopics(kafka, shape, config, hasEntries(dataSource), probe, (message) =>
      logger.warn(message),
    );
    // A ledger still on its generation 1 topic (in clear) moves to the current one, sealed (issue #28).
    const generation = new TopicGeneration(
      kafka,
      dataSource,
      department,
      namespace,
      chains,
      (chain) => publishing.relay.publishedSeq(chain),
      logger,
    );
    const keys = {
      signer,
      trustBundle,
      subjectKeys: (subjects: readonly string[]) => dataKeys.keysOf(subjects, false),
    };
    const recovery = new Recovery(kafka, dataSource, ledger, config, keys, aggregates, metrics, logger);
    this.recovery = recovery;
    const answering = new Answering(
      kafka,
      dataSource,
      {
        department,
        namespace,
        signer,
        trustBundle,
        isControl: (type) => registry.isControl(type),
        encryptionKey: dataKeys.encryptionKey,
      },
      // The register's own questions, and the keys of exactly what each asker's grants cover (issue #28).
      () => [
        ...(definition.queries?.(this) ?? []),
        keyReleaseHandler({ dataSource, department, keys: dataKeys, trustBundle }),
      ],
      logger,
    );
    this.queries = answering.client;

    // Topic → followers (handlers, reactions) → witnesses of the anchors; alarms for what must never happen.
    const alarms = new AlarmWriter(department, commands);
    const following: Following = new Following(
      kafka,
      dataSource,
      metrics,
      {
        department,
        namespace,
        trustBundle,
        registry,
        policy,
        opener: sealedDataOpener({
          department,
          encryptionKey: dataKeys.encryptionKey,
          policy,
          queries: () => this.queries,
        }),
        keyTime: {
          skewMs: config.KEY_TIME_SKEW_SECONDS * 1000,
          bundle: trustBundle,
          // The notary holds what it holds: no checkpoint can cover an entry missing from its own tree.
          ...(department === 'notary'
            ? {}
            : { release: checkpointRelease({ queries: () => this.queries, trustBundle, logger }) }),
        },
      },
      () => topics.readable,
      reportQuarantine(metrics, alarms, logger),
      () => [
        ...followerHandlers(definition, commands, {
          dataSource,
          ledger,
          reads: (owner) => !secured || following.consuming.includes(ledgerTopic(owner, namespace)),
        }),
        // Trust bundles published on the notary's ledger: in force at their position, without a restart (#24).
        ...(followsAnchors(definition)
          ? [
              trust.publishedHandler((refusal) =>
                alarms
                  .raise(
                    { kind: 'forged-control', chain: refusal.chain, seq: String(refusal.seq), detail: refusal.reason },
                    { actor: 'system:trust', idempotencyKey: `alarm:${refusal.position}:trust-bundle` },
                  )
                  .catch((error: unknown) => logger.error({ err: error }, 'could not record the alarm entry')),
              ),
            ]
          : []),
      ],
      logger,
    );
    // A bundle taken into force live may refuse entries accepted before it (a compromise): the same alarms as at start.
    trust.onApplied((bundle) => {
      alarmOnEntriesRefusedByBundle(dataSource, bundle, alarms, logger).catch((error: unknown) =>
        logger.error({ err: error }, 'could not look for entries the new trust bundle refuses'),
      );
    });
    const watch = new FollowedWatch(kafka, department, namespace, () => topics.followed, secured, following, logger);

    // Anchors and the department's other background work: started last, stopped first.
    const services = new DepartmentServices(() => definition.services?.(this) ?? []);

    this.lifecycle = new Lifecycle([
      { name: 'database', start: () => database.start(), stop: () => database.stop() },
      { name: 'publishing', stop: () => publishing.stop() },
      { name: 'ledger', stop: () => ledger.close() },
      { name: 'start-up guards', start: () => checkWrittenChains(dataSource, ledger) },
      { name: 'trust', start: () => trust.applyVersion() },
      { name: 'metrics', start: () => metricsFromHeads(metrics, ledger), stop: () => metricsAdmin.stop() },
      { name: 'access policy', start: async () => policy.load(await receivedGrantEntries(dataSource)) },
      { name: 'services (prepare)', start: () => services.prepare(), stop: () => services.stop() },
      { name: 'topics', start: () => topics.start() },
      { name: 'topic generation', start: () => generation.prepare(), stop: () => generation.stop() },
      { name: 'recovery', start: () => recovery.start() },
      // Entries accepted under an earlier bundle that this one refuses (a stolen key's): an alarm each.
      {
        name: 'entries the bundle refuses',
        start: async () => void (await alarmOnEntriesRefusedByBundle(dataSource, trust.bundle, alarms, logger)),
      },
      { name: 'relay', start: () => publishing.start() },
      { name: 'answering', start: () => answering.start(), stop: () => answering.stop() },
      ...(follows.length > 0
        ? [
            { name: 'following', start: () => following.start(), stop: () => following.stop() },
            { name: 'followed-ledgers watch', start: () => watch.start(), stop: () => watch.stop() },
          ]
        : []),
      { name: 'services', start: () => services.start(), stop: () => services.stop() },
    ]);
  }

  /** Migrates, connects, checks, creates topics, catches up, starts relay, answering, following and services. */
  async start(): Promise<void> {
    const { department, follows } = this.definition;
    await this.lifecycle.start();
    this.logger.info({ department, follows }, 'department runtime started');
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }

  /** The trust bundle in force (verified against the governance root key at start-up). */
  currentTrustBundle(): TrustBundle {
    return this.trustPart.bundle;
  }

  get trust(): TrustBundle {
    return this.currentTrustBundle();
  }

  /** The report of the recovery this start ran, if it ran one (logged, and answered by GET /v1/ledger/recovery). */
  get lastRecovery(): RecoveryReport | undefined {
    return this.recovery.lastRecovery;
  }

  /** Tests the off-site copy while the ledger is still here (POST /v1/ledger/recovery/check). */
  checkOffsiteCopy(from: 'topic' | 'mirrors'): Promise<SourceCheck> | 'no-mirrors' | 'busy' {
    return this.recovery.checkOffsiteCopy(from);
  }

  readonly log = (): Logger => this.logger;
}
