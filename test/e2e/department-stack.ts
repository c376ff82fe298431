import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DynamicModule, Type } from '@nestjs/common';
import {
  departmentConfigSchema,
  startDepartment,
  type DepartmentConfig,
  type DepartmentDefinition,
  type RunningDepartment,
  type Role,
} from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import {
  DEPARTMENTS as ALL_DEPARTMENTS,
  ensureDevTrust,
  fromBase64,
  parseStrictJson,
  verifyTrustBundle,
  type OutsideWitness,
  type SignedTrustBundle,
  type TrustBundle,
  type WitnessPolicy,
} from '@registry-bus/protocol';
import { ensureDevCa, integrationEnvironment } from '@registry-bus/testing';
import pg from 'pg';

import { CREDIT_DEPARTMENT } from '../../apps/credit-registry/src/credit.department.js';
import { CreditModule } from '../../apps/credit-registry/src/credit.module.js';
import { BOND_DEPARTMENT } from '../../apps/bond-registry/src/bond.department.js';
import { BondModule } from '../../apps/bond-registry/src/bond.module.js';
import { COURT_DEPARTMENT } from '../../apps/court-registry/src/court.department.js';
import { CourtModule } from '../../apps/court-registry/src/court.module.js';
import { DIPLOMA_DEPARTMENT } from '../../apps/diploma-registry/src/diploma.department.js';
import { DiplomaModule } from '../../apps/diploma-registry/src/diploma.module.js';
import { LAND_DEPARTMENT } from '../../apps/land-registry/src/land.department.js';
import { ParcelsModule } from '../../apps/land-registry/src/parcels/parcels.module.js';
import { notaryDepartment, notaryModules } from '../../apps/notary/src/notary.department.js';
import { loadPortalConfig } from '../../apps/portal-server/src/portal-config.js';
import { startPortal, type RunningPortal } from '../../apps/portal-server/src/start-portal.js';
import { departmentTestConfig } from '../../libs/kit/integration/department-fixture.js';

/** Settings given on a restart, parsed as the app would parse them from its environment (lists, numbers). */
function parseOverrides(overrides: Record<string, string>): Partial<DepartmentConfig> {
  const shape = departmentConfigSchema.shape as Record<string, { parse(value: unknown): unknown }>;
  return Object.fromEntries(
    Object.entries(overrides).map(([name, value]) => [name, shape[name] ? shape[name].parse(value) : value]),
  );
}

/** The department apps an end-to-end test can start, exactly as their main.ts does. */
export const DEPARTMENTS: Record<string, { definition: DepartmentDefinition; modules: Array<Type | DynamicModule> }> = {
  land: { definition: LAND_DEPARTMENT, modules: [ParcelsModule] },
  credit: { definition: CREDIT_DEPARTMENT, modules: [CreditModule] },
  diploma: { definition: DIPLOMA_DEPARTMENT, modules: [DiplomaModule] },
  court: { definition: COURT_DEPARTMENT, modules: [CourtModule] },
  bond: { definition: BOND_DEPARTMENT, modules: [BondModule] },
};

/**
 * A parcel registration's body (POST /v1/parcels): the owner is personal
 * data (kept out of receipts), the rest public; `reference` names the survey.
 */
export const surveyedParcel = (cadastralNumber: string, reference: string) => ({
  cadastralNumber,
  areaSquareMetres: '500.00',
  location: 'Mtskheta',
  landUse: 'agricultural',
  owners: [{ ownerId: 'person:secret-owner', share: '1' }],
  basis: { documentType: 'survey', reference },
});

export interface Answer {
  status: number;
  body: Record<string, unknown> & { [key: string]: unknown };
  headers: Headers;
}

/**
 * Several department apps in this process on the shared test Kafka and
 * Postgres (each its own database and topic namespace), with an HTTP client.
 */
export class DepartmentStack {
  readonly running = new Map<string, RunningDepartment>();
  private readonly configs = new Map<string, DepartmentConfig>();
  /** The stack's .local: keys, the signed trust bundle (trust-bundle.json) and its root key (trust-root.pub). */
  readonly local = mkdtempSync(join(tmpdir(), 'rb-stack-'));
  private readonly env = integrationEnvironment();
  readonly namespace = `${this.env.uniqueName('e2e')}.`;

  /** Settings of the notary when the stack runs one: fast anchoring; the broker admin on a secured broker. */
  notary: {
    intervalMs: number;
    everyEntries: number;
    brokerAdmin?: { username: string; password: string };
    /** Where the notary asks some department for its head instead of the app itself (a proxy in between). */
    departmentUrls?: Record<string, string>;
    /**
     * Whether the notary gathers the departments' C2SP cosignatures of its
     * checkpoints (NOTARY_CHECKPOINT_WITNESSING, on in production and under
     * `npm start`). Off here unless a test turns it on (witnessing.spec): the
     * other tests hold receipts to the followers' cosignature entries, and a
     * checkpoint's quorum would let the builder prove with a later anchor.
     */
    checkpointWitnessing?: boolean;
  } = {
    intervalMs: 300,
    everyEntries: 5,
  };

  /**
   * The witnessing rules of the stack's trust bundle: land's chain witnessed
   * by credit alone (the one department here that follows it) with a quorum
   * of 1, so that tests about other things get a valid land receipt; every
   * other chain has the default rule. A test of the default rule sets [].
   */
  witnessing: WitnessPolicy[] = [{ chain: 'land', witnesses: ['credit'], quorum: 1 }];

  /** Witnesses of the checkpoints beyond the departments, in the bundle (name, submission prefix, 0x04 key). */
  outsideWitnesses: OutsideWitness[] = [];

  /**
   * Set before `start`: every app logs at info into `logs` (JSON lines as
   * parsed objects), as `npm start` would show them — for tests that hold
   * a healthy start to saying nothing alarming.
   */
  captureLogs = false;
  readonly logs: Array<Record<string, unknown>> = [];

  /**
   * Every app serves HTTPS with a certificate of the stack's development CA
   * (`local/ca`), and trusts that CA for its calls to the others — the notary
   * asking heads, mirrors in a recovery — as `npm start` runs them (issue #25).
   * The portal test sets it false: its browser has no way to trust the CA.
   */
  https = true;

  /** The stack's development CA (PEM), made at the first start when `https`. */
  get caFile(): string {
    return join(this.local, 'ca', 'ca.crt');
  }

  private tlsSettings(): Record<string, string> {
    if (!this.https) return {};
    const ca = ensureDevCa(join(this.local, 'ca'));
    const certificate = ca.issue('apps');
    return { TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile, TLS_CA_FILE: ca.caFile };
  }

  async start(departments: string[], overrides: Record<string, string> = {}): Promise<this> {
    // Every department's key in the bundle from the start: apps load the bundle once.
    await ensureDevTrust(this.local, ALL_DEPARTMENTS, this.witnessing, this.outsideWitnesses);
    for (const department of departments) {
      const notaryConfig = {
        // The notary checks heads over REST: it starts after the departments, knowing their URLs.
        NOTARY_DEPARTMENT_URLS: {
          ...Object.fromEntries([...this.running].map(([name, app]) => [name, app.url])),
          ...this.notary.departmentUrls,
        },
        CHECKPOINT_ORIGIN_PREFIX: 'registry-bus.test',
        NOTARY_CHECKPOINT_WITNESSING: this.notary.checkpointWitnessing ?? true,
        NOTARY_ANCHOR_INTERVAL_MS: this.notary.intervalMs,
        NOTARY_ANCHOR_EVERY_ENTRIES: this.notary.everyEntries,
        NOTARY_BROKER_ADMIN_USERNAME: this.notary.brokerAdmin?.username,
        NOTARY_BROKER_ADMIN_PASSWORD: this.notary.brokerAdmin?.password,
        NOTARY_BROKER_DEPARTMENTS: [...ALL_DEPARTMENTS],
      };
      const { definition, modules } =
        department === 'notary'
          ? { definition: notaryDepartment(notaryConfig), modules: notaryModules(notaryConfig) }
          : DEPARTMENTS[department]!;
      const cached = this.configs.get(department);
      // A restart keeps the department's database and keys; overrides given then change only those settings.
      const config = cached
        ? ({ ...cached, ...parseOverrides(overrides) } as DepartmentConfig)
        : await departmentTestConfig(this.env, this.local, department, this.namespace, {
            ...this.tlsSettings(),
            // The notary signs and every department witnesses under the same origin prefix.
            CHECKPOINT_ORIGIN_PREFIX: 'registry-bus.test',
            ...overrides,
          });
      this.configs.set(department, config);
      const logger = this.captureLogs
        ? createLogger(department, { level: 'info' }, this.logSink())
        : createLogger(department, { level: process.env.E2E_LOG_LEVEL ?? 'silent' });
      this.running.set(department, await startDepartment(definition, modules, config, logger));
    }
    return this;
  }

  /** The portal, once started (`startPortal`): its own app, holding no key, relaying to the running apps. */
  portal: RunningPortal | undefined;

  /**
   * Starts the public portal as `npm start` runs it: its own app beside the
   * notary, with its own environment — no database, key or broker login —
   * serving the pages built into `portalDir`.
   */
  async startPortal(portalDir: string, overrides: Record<string, string> = {}): Promise<RunningPortal> {
    const departments = [...this.running.keys()].filter((name) => name !== 'notary');
    const config = loadPortalConfig({
      DEPLOYMENT_MODE: 'development',
      ...this.tlsSettings(),
      ...(this.https ? {} : { HTTP_DEV_PLAINTEXT: 'true' }),
      PORTAL_NOTARY_URL: this.get('notary').url,
      PORTAL_DEPARTMENT_URLS: departments.map((name) => `${name}=${this.get(name).url}`).join(','),
      TRUST_BUNDLE_FILE: join(this.local, 'trust-bundle.json'),
      TRUST_ROOT_PUBLIC_KEY_FILE: join(this.local, 'trust-root.pub'),
      PORTAL_DIR: portalDir,
      ...overrides,
    });
    const logger = createLogger('portal', { level: process.env.E2E_LOG_LEVEL ?? 'silent' });
    // Any free port, as the departments' (the variable itself asks for 1–65535).
    this.portal = await startPortal({ ...config, PORT: 0 }, logger);
    return this.portal;
  }

  private logSink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          this.logs.push(parseStrictJson(line, 'a log line') as Record<string, unknown>);
        done();
      },
    });
  }

  get(department: string): RunningDepartment {
    const running = this.running.get(department);
    if (!running) throw new Error(`department ${department} is not running`);
    return running;
  }

  async token(department: string, role: Role, operator: string, scope?: string): Promise<string> {
    const issued = await this.get(department).runtime.tokens.issue({
      operator,
      role,
      scope: scope ?? null,
      validForSeconds: 3600,
      issuedBy: 'test',
    });
    return issued.token;
  }

  /** The owner's admin grants `grantee` access over REST (a control entry of the owner's ledger). */
  async grant(owner: string, grantee: string, eventTypes: string[], fields: '*' | string[] = '*'): Promise<string> {
    const admin = await this.token(owner, 'admin', `admin:${owner}-grants`);
    const answer = await this.call(owner, 'POST', '/v1/access/grants', {
      token: admin,
      body: {
        grantee,
        eventTypes,
        fields,
        purpose: `test: ${grantee} reads ${eventTypes.join(', ')}`,
        basis: { documentType: 'data-sharing-agreement', reference: `DSA-${owner}-${grantee}` },
      },
    });
    if (answer.status !== 201) throw new Error(`grant ${owner} → ${grantee} failed: ${JSON.stringify(answer.body)}`);
    return answer.body.grantId as string;
  }

  /** A bank registered by the credit registry's admin, with one loan by its own clerk (for pledges to cite). */
  async bankWithLoan(bankId: string, loanId: string, borrower: string, clerk: string): Promise<void> {
    const admin = await this.token('credit', 'admin', `admin:${bankId}-setup`);
    const bank = await this.call('credit', 'POST', '/v1/banks', {
      token: admin,
      body: {
        bankId,
        name: bankId,
        licence: `NBG-${bankId}`,
        basis: { documentType: 'administrative-act', reference: 'NBG-1' },
      },
    });
    if (bank.status !== 201) throw new Error(`register ${bankId} failed: ${JSON.stringify(bank.body)}`);
    const loan = await this.call('credit', 'POST', `/v1/banks/${bankId}/loans`, {
      token: clerk,
      body: {
        loanId,
        kind: 'loan',
        borrower,
        amount: '1000.00',
        currency: 'GEL',
        basis: { documentType: 'loan-agreement', reference: loanId },
      },
    });
    if (loan.status !== 201) throw new Error(`loan ${loanId} failed: ${JSON.stringify(loan.body)}`);
  }

  /** The grants the registers need for the pledge saga (the same ones `npm start` issues). */
  async pledgeSagaGrants(): Promise<void> {
    await this.grant('land', 'credit', ['gov.land.encumbrance.*', 'gov.land.parcel.transferred.v1']);
    await this.grant('credit', 'land', ['gov.credit.pledge.*']);
  }

  async call(
    department: string,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const request = () =>
      fetch(`${this.get(department).url}${path}`, {
        method,
        headers: {
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined
          ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
          : {}),
      });
    // The apps share this process with tests that run the CLI with spawnSync, which blocks the event loop:
    // a keep-alive socket the server timed out meanwhile is reset on first use. A GET is safe to send again.
    const response = await request().catch((error: unknown) => {
      const reset = (error as { cause?: { code?: string } }).cause?.code === 'ECONNRESET';
      if (reset && method === 'GET') return request();
      throw error;
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** Polls until `probe` returns a value (bounded: 30 s by default). */
  async eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The trust bundle the stack's apps use, verified under its root key. */
  trustBundle(): TrustBundle {
    const signed = JSON.parse(readFileSync(join(this.local, 'trust-bundle.json'), 'utf8')) as SignedTrustBundle;
    return verifyTrustBundle(signed, fromBase64(readFileSync(join(this.local, 'trust-root.pub'), 'utf8').trim()));
  }

  /**
   * What a department's own superuser could do: disable the append-only
   * guards, cut the ledger back to its first `keep` entries (with their
   * stored tree and idempotency keys), and — when `republish` — rewind the
   * relay so that whatever is appended next goes out under the old numbers.
   */
  async rewriteTail(department: string, keep: number, republish: boolean): Promise<void> {
    const runner = this.get(department).runtime.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL session_replication_role = replica`);
      await runner.query(`DELETE FROM ledger_entry_data WHERE chain = $1 AND seq > $2`, [department, keep]);
      await runner.query(`DELETE FROM ledger_entry WHERE chain = $1 AND seq > $2`, [department, keep]);
      // A node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level): drop every node reaching past `keep`.
      await runner.query(`DELETE FROM merkle_node WHERE chain = $1 AND (idx + 1) * (1::bigint << level) > $2`, [
        department,
        keep,
      ]);
      await runner.query(`DELETE FROM ledger_idempotency WHERE chain = $1 AND last_seq > $2`, [department, keep]);
      if (republish)
        await runner.query(`UPDATE relay_cursor SET published_seq = $2 WHERE chain = $1`, [department, keep]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  }

  /** The configuration a department was (last) started with. */
  configOf(department: string): DepartmentConfig {
    const config = this.configs.get(department);
    if (!config) throw new Error(`department ${department} was never started`);
    return config;
  }

  /**
   * The fire: everything in a stopped department's database is gone (its
   * schema dropped and made anew, empty). Its keys and its topic remain.
   */
  async loseDatabase(department: string): Promise<void> {
    if (this.running.has(department)) throw new Error(`stop ${department} before losing its database`);
    const owner = this.configs.get(department)?.DATABASE_MIGRATIONS_URL;
    if (!owner) throw new Error(`no database known for ${department}`);
    const client = new pg.Client({ connectionString: owner });
    await client.connect();
    try {
      await client.query('DROP SCHEMA public CASCADE');
      await client.query('CREATE SCHEMA public');
    } finally {
      await client.end();
    }
  }

  /** Reads a stopped department's database (as its owner): what it left behind, before a fire takes it. */
  async queryStopped<T>(department: string, sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.running.has(department)) throw new Error(`stop ${department} before reading its database directly`);
    const owner = this.configs.get(department)?.DATABASE_MIGRATIONS_URL;
    if (!owner) throw new Error(`no database known for ${department}`);
    const client = new pg.Client({ connectionString: owner });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops one department (its database and keys stay), e.g. to restart it. */
  async stopOne(department: string): Promise<void> {
    await this.running.get(department)?.close();
    this.running.delete(department);
  }

  async stop(): Promise<void> {
    await this.portal?.close();
    this.portal = undefined;
    for (const running of [...this.running.values()].reverse()) await running.close();
    this.running.clear();
    rmSync(this.local, { recursive: true, force: true });
  }
}
