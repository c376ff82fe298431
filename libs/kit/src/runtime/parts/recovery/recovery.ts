import { chainDestination, ledgerTopic } from '@registry-bus/bus';
import type { LedgerReader } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import type { Signer, TrustBundle } from '@registry-bus/protocol';
import type { KafkaTransport } from '@registry-bus/bus';
import type { DataSource } from 'typeorm';

import type { DepartmentMetrics } from '../../../metrics/department-metrics.js';
import { tokenAggregate } from '../../../auth/token-aggregate.js';
import { grantAggregate } from '../../../access/grant-aggregate.js';
import type { Aggregate, DomainEvent } from '../../../commands/aggregate.js';
import { checkRecoverySource, combinedCheck, type SourceCheck } from '../../../recovery/check-source.js';
import { mirrorSource, type MirrorCoverage } from '../../../recovery/mirror-source.js';
import {
  combinedReport,
  recoverLedger,
  type RecoveryContext,
  type RecoveryReport,
} from '../../../recovery/recover-ledger.js';
import { ownDataSource, type OwnSubjectKeys } from '../../../recovery/own-data.js';
import { topicSource } from '../../../recovery/recovery-source.js';
import { lastSeqOnTopic } from '../../../recovery/topic-reader.js';
import { ledgerNotBehindTopic } from '../../guards/topic-ahead-guard.js';
import { enforce } from '../../guards/start-up-verdict.js';

export interface RecoverySettings {
  KAFKA_TOPIC_NAMESPACE: string;
  LEDGER_RECOVERY?: string | undefined;
  LEDGER_RECOVERY_MIRRORS?: string[] | undefined;
}

export interface RecoveryLedger {
  department: string;
  chains: readonly string[];
  reader: LedgerReader;
}

/**
 * The recovery part: before anything is written or published, the ledger
 * is held against its topic (refused, or rebuilt from it with
 * LEDGER_RECOVERY=from-topic); with LEDGER_RECOVERY=from-mirror it is first
 * rebuilt from the mirrors other departments keep (the topic may be gone),
 * and the topic check still follows, so a topic ahead of every mirror is not
 * silently forked. It also tests the off-site copy on request.
 */
export class Recovery {
  /** The report of the recovery this start ran, if it ran one (logged, and answered by GET /v1/ledger/recovery). */
  lastRecovery: RecoveryReport | undefined;
  private checkingCopy: Promise<SourceCheck> | undefined;

  constructor(
    private readonly kafka: KafkaTransport,
    private readonly dataSource: DataSource,
    private readonly ledger: RecoveryLedger,
    private readonly settings: RecoverySettings,
    private readonly keys: {
      signer: Signer;
      trustBundle: () => TrustBundle;
      /** The department's subject keys, which open its own data sealed on the topic (issue #28). */
      subjectKeys: OwnSubjectKeys;
    },
    private readonly aggregates: ReadonlyArray<Aggregate<any, any, any>>, // eslint-disable-line @typescript-eslint/no-explicit-any
    /** A rebuilt chain's metrics start at its new head. */
    private readonly metrics: Pick<DepartmentMetrics, 'startFrom'>,
    private readonly logger: Logger,
  ) {
    this.department = ledger.department;
    this.signer = keys.signer;
    this.trustBundle = keys.trustBundle;
  }

  private readonly department: string;
  private readonly signer: Signer;
  private readonly trustBundle: () => TrustBundle;

  private get topic(): string {
    return ledgerTopic(this.department, this.settings.KAFKA_TOPIC_NAMESPACE);
  }

  private get groupPrefix(): string {
    return `${this.settings.KAFKA_TOPIC_NAMESPACE}registry-bus.${this.department}`;
  }

  /** Catches up with the topic (see the class comment). */
  async start(): Promise<void> {
    const { department, topic, groupPrefix } = this;
    const namespace = this.settings.KAFKA_TOPIC_NAMESPACE;
    const mirrors = this.settings.LEDGER_RECOVERY_MIRRORS;
    if (this.settings.LEDGER_RECOVERY === 'from-mirror' && mirrors) {
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
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.topicOffsets(topic).finally(() => admin.disconnect());
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
      enforce(
        ledgerNotBehindTopic({
          department,
          chain,
          topic,
          partition,
          head,
          lastSeqOnTopic: lastSeq,
          recoveringFromTopic: this.settings.LEDGER_RECOVERY === 'from-topic',
        }),
      );
      behind = true;
    }
    if (!behind) return;
    const stamp = Date.now().toString(36);
    // Every chain from its partition (a chain that was not behind reads back as duplicates only).
    await this.recover((chain, index) => ({
      source: ownDataSource(
        topicSource(
          this.kafka,
          topic,
          `${groupPrefix}.recovery-${stamp}-${index}`,
          chainDestination(chain, namespace).partition,
        ),
        this.keys.subjectKeys,
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
    const { department } = this;
    const namespace = this.settings.KAFKA_TOPIC_NAMESPACE;
    const mirrors = this.settings.LEDGER_RECOVERY_MIRRORS;
    if (from === 'mirrors' && !mirrors) return 'no-mirrors';
    if (this.checkingCopy) return 'busy';
    const stamp = Date.now().toString(36);
    const checkChain = (chain: string, index: number) =>
      checkRecoverySource(
        from === 'mirrors'
          ? mirrorSource({ mirrors: mirrors!, chain, department, signer: this.signer })
          : ownDataSource(
              topicSource(
                this.kafka,
                this.topic,
                `${this.groupPrefix}.recovery-check-${stamp}-${index}`,
                chainDestination(chain, namespace).partition,
              ),
              this.keys.subjectKeys,
            ),
        chain,
        this.dataSource,
        this.trustBundle(),
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
    const { department } = this;
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
        trust: this.trustBundle(),
        // The operator tokens too: their rows are rebuilt from their entries in the restoring transaction.
        aggregates: [
          ...this.aggregates,
          { ...grantAggregate, eventTypes: [`gov.${department}.access.*`] },
          tokenAggregate(department),
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
}
