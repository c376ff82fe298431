import { spawn } from 'node:child_process';
import { isProcessAlive } from '../ports/process-alive.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Kafka, logLevel } from 'kafkajs';

import { ensureDevCa } from '../dev-ca/dev-ca.js';
import { freePort, isPortOpen } from '../ports/free-port.js';
import { JAVA_HINT, LauncherPrerequisiteError, checkJava, ensureKafkaJars, run } from './kafka-jars.js';
import { KAFKA_VERSION } from './kafka-version.js';
import { NODE_PRINCIPAL, listenerProperties, type NodeTls } from './listener-properties.js';

export interface KafkaLauncherOptions {
  /** Folder that holds this instance: its config, data, logs and pid file. */
  dir: string;
  version?: string;
  /** Java heap cap in MiB. */
  heapMb?: number;
  /** Extra or overriding broker properties. */
  extraProperties?: Record<string, string>;
  /**
   * SASL/SCRAM-SHA-512 on the client listener and ACLs enforced by the
   * StandardAuthorizer: only these users get in (their credentials are set
   * when the storage is formatted), `admin` is the super user, and every
   * other user may do only what an ACL allows.
   */
  security?: BrokerSecurity;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface BrokerSecurity {
  admin: { username: string; password: string };
  users: Array<{ username: string; password: string }>;
}

/** Ports and cluster id fixed at the first start, so a restart advertises the same address. */
interface InstanceIdentity {
  version: string;
  clusterId: string;
  brokerPort: number;
  controllerPort: number;
  /** Formatted with SASL/SCRAM users (absent in instances made before broker security existed). */
  secured?: boolean;
}

const PID_FILE = 'kafka.pid';
const IDENTITY_FILE = 'instance.json';

/**
 * A single-node Apache Kafka in KRaft mode (combined broker and controller)
 * running on the local Java from Maven Central jars, bound to 127.0.0.1.
 *
 * One folder is one instance: `start()` formats it the first time and reuses
 * its data and ports afterwards; `stop()` keeps the data, `stop({ removeData })`
 * deletes the folder. Several instances may run at once.
 */
export class KafkaLauncher {
  private readonly dir: string;
  private readonly version: string;
  private readonly heapMb: number;
  private readonly readyTimeoutMs: number;
  private readonly log: (message: string) => void;
  private identity: InstanceIdentity | undefined;
  private tls: NodeTls | undefined;

  constructor(private readonly options: KafkaLauncherOptions) {
    this.dir = resolve(options.dir);
    this.version = options.version ?? KAFKA_VERSION;
    this.heapMb = options.heapMb ?? 512;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
  }

  /** The kafkajs `sasl` option of a user of this instance (undefined when it runs without security). */
  saslOf(username: string): SaslOption | undefined {
    return saslOfUser(this.options.security, username, 'instance');
  }

  /** The CA certificate a client of a secured instance trusts (undefined without security). */
  get caFile(): string | undefined {
    return this.options.security ? nodeTls(this.dir).caFile : undefined;
  }

  /** The kafkajs `ssl` option of a client of this instance (undefined without security). */
  clientSsl(): { ca: string[] } | undefined {
    const caFile = this.caFile;
    return caFile ? { ca: [readFileSync(caFile, 'utf8')] } : undefined;
  }

  /** `127.0.0.1:<port>` of the broker listener; stable across restarts of this instance. */
  get brokers(): string {
    if (!this.identity) throw new Error('the Kafka instance has not been started yet');
    return `127.0.0.1:${this.identity.brokerPort}`;
  }

  /** `127.0.0.1:<port>` of the controller listener (KRaft): for tests that knock on it. */
  get controller(): string {
    if (!this.identity) throw new Error('the Kafka instance has not been started yet');
    return `127.0.0.1:${this.identity.controllerPort}`;
  }

  get logFile(): string {
    return join(this.dir, 'logs', 'server.log');
  }

  async start(): Promise<string> {
    const started = Date.now();
    await checkJava();
    const libsDir = await ensureKafkaJars(this.version);
    // The folder holds the admin's password (server.properties) and the log segments: its owner's only.
    mkdirSync(join(this.dir, 'logs'), { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    await this.killOrphan();

    this.identity = await this.loadOrCreateIdentity();
    if (this.options.security) this.tls = nodeTls(this.dir);
    this.writeConfig();
    if (!existsSync(join(this.dir, 'data', 'meta.properties'))) await this.formatStorage(libsDir);

    if (await isPortOpen(this.identity.brokerPort)) {
      throw new Error(
        `port ${this.identity.brokerPort} of Kafka instance ${this.dir} is taken by another process; ` +
          `stop it or remove ${join(this.dir, IDENTITY_FILE)} to pick new ports`,
      );
    }

    const out = openSync(join(this.dir, 'logs', 'stdout.log'), 'a');
    const child = spawn('java', [...this.jvmArgs(libsDir), 'kafka.Kafka', join(this.dir, 'server.properties')], {
      cwd: this.dir,
      detached: true, // Ctrl-C in a terminal reaches us, not the broker: we stop it in order.
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.once('error', () => undefined);
    if (child.pid === undefined) throw new LauncherPrerequisiteError(`could not start java. ${JAVA_HINT}`);
    writeFileSync(join(this.dir, PID_FILE), `${child.pid}\n`);
    child.unref();

    let exited: number | null = null;
    child.once('exit', (code) => (exited = code ?? -1));
    await this.waitUntilReady(() => exited);
    this.log(`kafka ${this.version} ready at ${this.brokers} in ${Date.now() - started} ms (${this.dir})`);
    return this.brokers;
  }

  /** Stops the broker (SIGTERM, then SIGKILL after a grace period); keeps its data unless asked. */
  async stop(options: { removeData?: boolean; graceMs?: number } = {}): Promise<void> {
    const pid = this.readPid();
    if (pid !== undefined) await terminate(pid, options.graceMs ?? 15_000);
    rmSync(join(this.dir, PID_FILE), { force: true });
    if (options.removeData) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Kills the broker at once, as a crash would (drills). */
  kill(): void {
    const pid = this.readPid();
    if (pid !== undefined && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  isRunning(): boolean {
    const pid = this.readPid();
    return pid !== undefined && isProcessAlive(pid);
  }

  private readPid(): number | undefined {
    const file = join(this.dir, PID_FILE);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** A broker left running by a crashed run of this same instance holds its ports and data lock. */
  private async killOrphan(): Promise<void> {
    const pid = this.readPid();
    if (pid === undefined) return;
    if (isProcessAlive(pid) && commandLineOf(pid).includes(this.dir)) {
      this.log(`stopping orphaned kafka (pid ${pid}) of ${this.dir}`);
      await terminate(pid, 10_000);
    }
    rmSync(join(this.dir, PID_FILE), { force: true });
  }

  private async loadOrCreateIdentity(): Promise<InstanceIdentity> {
    const file = join(this.dir, IDENTITY_FILE);
    if (existsSync(file)) {
      const identity = JSON.parse(readFileSync(file, 'utf8')) as InstanceIdentity;
      if (identity.version !== this.version) {
        throw new Error(
          `Kafka instance ${this.dir} was created with Kafka ${identity.version}, not ${this.version}; ` +
            'wipe it (npm run reset for the local stack) or use another folder',
        );
      }
      if (Boolean(identity.secured) !== Boolean(this.options.security)) {
        throw new Error(
          `Kafka instance ${this.dir} was created ${identity.secured ? 'with' : 'without'} broker users and ACLs ` +
            `and is now asked to run ${identity.secured ? 'without' : 'with'} them; users are set once, when the ` +
            'instance is formatted: wipe it (npm run reset for the local stack) or use another folder',
        );
      }
      return identity;
    }
    const brokerPort = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === brokerPort) controllerPort = await freePort();
    // A Kafka Uuid is 16 random bytes in URL-safe base64 without padding.
    const identity = {
      version: this.version,
      clusterId: randomBytes(16).toString('base64url'),
      brokerPort,
      controllerPort,
      secured: Boolean(this.options.security),
    };
    writeFileSync(file, `${JSON.stringify(identity, null, 2)}\n`);
    return identity;
  }

  private writeConfig(): void {
    const identity = this.identity!;
    const properties: Record<string, string> = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${identity.controllerPort}`,
      ...listenerProperties(identity, this.options.security, this.tls),
      'log.dirs': join(this.dir, 'data'),
      'num.partitions': '1',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '5',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
      'log.retention.hours': '-1',
      ...this.options.extraProperties,
    };
    const text = Object.entries(properties)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    writeFileSync(join(this.dir, 'server.properties'), `${text}\n`, { mode: 0o600 });
    chmodSync(join(this.dir, 'server.properties'), 0o600);
    writeFileSync(join(this.dir, 'log4j2.properties'), log4jConfig(this.logFile));
  }

  private jvmArgs(libsDir: string): string[] {
    return [
      `-Xmx${this.heapMb}m`,
      `-Xms${Math.min(this.heapMb, 256)}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(this.dir, 'logs')}`,
      // Names the instance folder on the command line, so an orphan can be recognised as ours.
      `-Dregistrybus.instance=${this.dir}`,
      '-cp',
      `${libsDir}/*`,
    ];
  }

  private async formatStorage(libsDir: string): Promise<void> {
    const identity = this.identity!;
    const { code, output } = await run(
      'java',
      [
        ...this.jvmArgs(libsDir),
        'kafka.tools.StorageTool',
        'format',
        // One argument: a base64url id may start with '-', which would read as an option.
        `--cluster-id=${identity.clusterId}`,
        '-c',
        join(this.dir, 'server.properties'),
        '--ignore-formatted',
        // SCRAM credentials go into the first metadata records: the broker knows its users from its first start.
        ...(this.options.security
          ? [this.options.security.admin, ...this.options.security.users].flatMap((user) => [
              '--add-scram',
              `SCRAM-SHA-512=[name=${user.username},password=${user.password}]`,
            ])
          : []),
      ],
      { missingHint: JAVA_HINT },
    );
    if (code !== 0) throw new Error(`formatting Kafka storage in ${this.dir} failed (exit ${code}):\n${output}`);
  }

  /** Ready means the broker answered a real request (cluster metadata), not merely that a port is open. */
  private async waitUntilReady(exitCode: () => number | null): Promise<void> {
    const sasl = this.options.security ? this.saslOf(this.options.security.admin.username) : undefined;
    const kafka = new Kafka({
      clientId: 'registry-bus-launcher',
      brokers: [this.brokers],
      ...(sasl ? { sasl, ssl: this.clientSsl()! } : {}),
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    let lastError = 'no answer';
    while (Date.now() < deadline) {
      const code = exitCode();
      if (code !== null) {
        throw new Error(`Kafka exited with code ${code} while starting; see ${this.logFile}:\n${this.tailOfLogs()}`);
      }
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0 && cluster.controller !== null) return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await sleep(250);
    }
    await this.stop();
    throw new Error(
      `Kafka did not answer within ${this.readyTimeoutMs} ms (last error: ${lastError}); see ${this.logFile}:\n${this.tailOfLogs()}`,
    );
  }

  private tailOfLogs(): string {
    return ['stdout.log', 'server.log']
      .map((name) => join(this.dir, 'logs', name))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file, 'utf8').split('\n').slice(-30).join('\n'))
      .join('\n');
  }
}

export type SaslOption = { mechanism: 'scram-sha-512'; username: string; password: string };

/** The kafkajs `sasl` option of one of a secured broker's (or cluster's) users; undefined without security. */
export function saslOfUser(
  security: BrokerSecurity | undefined,
  username: string,
  what: string,
): SaslOption | undefined {
  if (!security) return undefined;
  const user = [security.admin, ...security.users].find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no user '${username}' in this Kafka ${what}`);
  return { mechanism: 'scram-sha-512', username: user.username, password: user.password };
}

export function log4jConfig(logFile: string): string {
  // Warnings and errors only, to a file: the broker's INFO chatter helps nobody running tests.
  return [
    'status = error',
    'appender.file.type = File',
    'appender.file.name = FILE',
    `appender.file.fileName = ${logFile}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.file.ref = FILE',
    '',
  ].join('\n');
}

export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return;
    await sleep(100);
  }
  if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isProcessAlive(pid); i++) await sleep(100);
}

/** The development CA of a secured instance (or cluster) folder, and the node certificate it issued. */
export function nodeTls(dir: string): NodeTls {
  const ca = ensureDevCa(join(dir, 'ca'));
  return { caFile: ca.caFile, keystoreFile: ca.issue(NODE_PRINCIPAL).keystoreFile };
}
