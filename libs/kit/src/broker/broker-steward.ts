import { brokerAcls, kafkaTransport, syncBrokerAcls } from '@registry-bus/bus';
import type { TransportAdmin } from '@registry-bus/bus';

import { kafkaSsl } from '../department/department-config.js';
import type { DepartmentContext, DepartmentService } from '../runtime/department-definition.js';

export interface BrokerStewardOptions {
  /** The broker's admin user (SASL/SCRAM-SHA-512): the only one that may change ACLs. */
  admin: { username: string; password: string };
  /** Every department with a broker user. */
  departments: readonly string[];
  /** Reads every ledger; every department reads its ledger. */
  notary: string;
  intervalMs?: number;
}

/**
 * Keeps the broker's ACLs in step with the grants: hosted by an app that
 * sees every ledger's grant entries (the notary, which follows them all), it
 * derives the ACLs from the grants it has received — deterministically, with
 * `brokerAcls` — and syncs them whenever the set of (owner, grantee) pairs
 * changes. A revoked grant closes the grantee's read of the owner's ledger at
 * the broker too; the data-level policy in every consumer already stopped at
 * the revocation's exact position.
 */
export class BrokerSteward implements DepartmentService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private applied: string | undefined;
  private admin: TransportAdmin | undefined;

  constructor(
    private readonly runtime: Pick<DepartmentContext, 'definition' | 'config' | 'policy' | 'log'>,
    private readonly options: BrokerStewardOptions,
  ) {}

  /**
   * Before its own app creates its topics: the ACLs of the grants it has
   * (the base ones at least), so that on a broker with users the app that
   * keeps the ACLs can always start.
   */
  async prepare(): Promise<void> {
    this.admin = kafkaTransport({
      client: this.runtime.config.KAFKA_CLIENT,
      clientId: `registry-bus-${this.runtime.definition.department}-broker-steward`,
      brokers: this.runtime.config.KAFKA_BROKERS,
      sasl: { mechanism: 'scram-sha-512', ...this.options.admin },
      ...(kafkaSsl(this.runtime.config) ? { ssl: kafkaSsl(this.runtime.config)! } : {}),
    }).admin();
    await this.admin.connect();
    await this.sync();
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.running ??= this.sync()
        .catch((error: unknown) => this.runtime.log().warn({ err: error }, 'could not sync the broker ACLs'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Syncs when the granted pairs changed since the last sync (and once at start). */
  async sync(): Promise<void> {
    const grants = this.runtime.policy.book.activePairs();
    const key = JSON.stringify(grants);
    if (key === this.applied) return;
    const { departments, notary } = this.options;
    const desired = brokerAcls({ departments, grants, notary, namespace: this.runtime.config.KAFKA_TOPIC_NAMESPACE });
    const changed = await syncBrokerAcls(this.admin!, departments, desired);
    this.applied = key;
    this.runtime.log().info({ ...changed, grants: grants.length }, 'broker ACLs follow the grants');
  }
}
