import type { GrantPolicy } from '@registry-bus/access';
import type { EventHandler, QueryClient, QueryHandler } from '@registry-bus/bus';
import type { Ledger } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import {
  anchorSignedV1,
  controlEventTypes,
  trustBundlePublishedV1,
  type EventTypeDefinition,
  type EventTypeRegistry,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { TokenStore } from '../auth/token-store.js';
import type { CommandRunner } from '../commands/command-runner.js';
import type { Aggregate } from '../commands/aggregate.js';
import type { DepartmentConfig } from '../department/department-config.js';
import type { DepartmentMetrics } from '../metrics/department-metrics.js';
import type { SourceCheck } from '../recovery/check-source.js';
import type { RecoveryReport } from '../recovery/recover-ledger.js';

import type { ReactionDefinition } from '../reactions/reaction.js';
import type { EntryScope } from '../scope/entry-scope.js';
import type { Migrations } from './parts/database/index.js';
import type { DepartmentTrust } from './parts/trust/index.js';

/** The department whose ledger holds the anchors every follower witnesses. */
const ANCHOR_WRITER = 'notary';

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
  services?: (runtime: DepartmentContext) => DepartmentService[];
  /** Questions other departments may ask this register (answered within the grants given to them). */
  queries?: (runtime: DepartmentContext) => QueryHandler[];
  /**
   * The register's aggregates (with the event types each emits): recovery
   * from the topic replays restored entries into their states and read models.
   */
  aggregates?: ReadonlyArray<Aggregate<any, any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  migrations?: Migrations;
  /**
   * The ledger is one chain whatever LEDGER_SHARDS says (start-up refuses
   * more): every witness and receipt reads the anchors from the one chain.
   */
  unsharded?: boolean;
  /**
   * Whom an entry belongs to, for operators scoped to one owner (a bank, an
   * institution). Without it a scoped operator sees no entry of the ledger.
   */
  scope?: EntryScope;
  /** This department writes the anchors (it registers their event type and sees every cosignature itself). */
  writesAnchors?: boolean;
}

/**
 * What a running department offers its services, queries and controllers
 * (the DepartmentRuntime is one); each takes the few members it uses
 * (`Pick<DepartmentContext, 'commands' | 'log'>`).
 */
export interface DepartmentContext {
  readonly definition: DepartmentDefinition;
  readonly config: DepartmentConfig;
  readonly dataSource: DataSource;
  readonly ledger: Ledger;
  readonly registry: EventTypeRegistry;
  readonly commands: CommandRunner;
  readonly tokens: TokenStore;
  readonly metrics: DepartmentMetrics;
  readonly policy: GrantPolicy;
  readonly queries: QueryClient;
  readonly signer: Signer;
  readonly trust: TrustBundle;
  /** The bundle in force and how a new one comes into force (the notary publishes bundles through it). */
  readonly trustPart: DepartmentTrust;
  readonly lastRecovery: RecoveryReport | undefined;
  currentTrustBundle(): TrustBundle;
  checkOffsiteCopy(from: 'topic' | 'mirrors'): Promise<SourceCheck> | 'no-mirrors' | 'busy';
  log(): Logger;
}

export interface DepartmentService {
  /** Before the runtime touches Kafka (its database is migrated and its grants loaded): e.g. the broker's ACLs. */
  prepare?(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether the department follows the ledger of anchors (it witnesses them, and asks for cosignatures). */
export function followsAnchors(definition: Pick<DepartmentDefinition, 'follows'>): boolean {
  return definition.follows.includes(ANCHOR_WRITER);
}

/** Whether the department reads or writes anchors: then it knows their event type. */
export function knowsAnchors(definition: Pick<DepartmentDefinition, 'follows' | 'writesAnchors'>): boolean {
  return definition.writesAnchors === true || followsAnchors(definition);
}

/** The event types a department reads and writes: control entries of every ledger it has, anchors, its own. */
export function departmentEventTypes(definition: DepartmentDefinition): EventTypeDefinition[] {
  return [
    // Control entries of every followed ledger too: grants, cosignatures and alarms reach every consumer.
    ...[definition.department, ...definition.follows].flatMap((owner) => controlEventTypes(owner)),
    // Trust bundles are published where the anchors are (issue #24): whoever reads those applies them.
    ...(knowsAnchors(definition) ? [anchorSignedV1, trustBundlePublishedV1] : []),
    ...(definition.eventTypes ?? []),
  ];
}
