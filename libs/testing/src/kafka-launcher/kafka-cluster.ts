import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Kafka, logLevel } from 'kafkajs';

import { freePort, isPortOpen } from '../ports/free-port.js';
import { isProcessAlive } from '../ports/process-alive.js';
import { JAVA_HINT, LauncherPrerequisiteError, checkJava, ensureKafkaJars, run } from './kafka-jars.js';
import {
  commandLineOf,
  log4jConfig,
  nodeTls,
  saslOfUser,
  terminate,
  type BrokerSecurity,
  type SaslOption,
} from './kafka-launcher.js';
import { KAFKA_VERSION } from './kafka-version.js';
import { listenerProperties } from './listener-properties.js';

export interface KafkaClusterOptions {
  /** Folder that holds the cluster: `cluster.json` and a `node-<id>` folder per node. */
  dir: string;
  /** Brokers in the cluster (at least 2; a single broker is KafkaLauncher). */
  brokers: number;
  version?: string;
  /** Java heap cap of each node in MiB. */
  heapMb?: number;
  extraProperties?: Record<string, string>;
  /** SASL/SCRAM users and ACLs, as KafkaLauncher sets them up; brokers talk to each other as the admin. */
  security?: BrokerSecurity;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ClusterNode {
  id: number;
  /** `broker,controller` for the first three nodes, `broker` beyond (docs/SCALING.md, "Kafka nodes"). */
  roles: 'broker,controller' | 'broker';
  brokerPort: number;
  /** Only nodes that are controllers have one. */
  controllerPort?: number;
}

/** Fixed at the first start, so a restart advertises the same addresses. */
interface ClusterIdentity {
  version: string;
  clusterId: string;
  brokers: number;
  secured: boolean;
  nodes: ClusterNode[];
}

export const CLUSTER_FILE = 'cluster.json';
const PID_FILE = 'kafka.pid';
/** A controller quorum of three survives one controller down; more voters only cost elections. */
const MAX_CONTROLLERS = 3;

/**
 * The replication settings a cluster of `brokers` runs with: internal topics
 * replicated three times (or on every broker below three) and two in sync
 * once there are three, so the cluster's own state survives one broker down,
 * and no unclean leader election ever.
 */
export function clusterReplicationProperties(brokers: number): Record<string, string> {
  const replicas = String(Math.min(brokers, 3));
  const minInsync = brokers >= 3 ? '2' : '1';
  return {
    'default.replication.factor': replicas,
    'min.insync.replicas': minInsync,
    'offsets.topic.replication.factor': replicas,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': minInsync,
    'share.coordinator.state.topic.replication.factor': replicas,
    'share.coordinator.state.topic.min.isr': minInsync,
    'unclean.leader.election.enable': 'false',
  };
}

/**
 * A Kafka cluster in KRaft mode on 127.0.0.1 on the local Java: N brokers,
 * the first three of them also the controller quorum (combined nodes), each
 * node its own folder, data, ports and JVM. Like KafkaLauncher one folder is
 * one cluster: formatted the first time, reused after; `stop()` keeps the
 * data, `stop({ removeData })` deletes it. Single nodes can be stopped and
 * started again (a broker down, then back).
 */
export class KafkaCluster {
  private readonly dir: string;
  private readonly version: string;
  private readonly heapMb: number;
  private readonly readyTimeoutMs: number;
  private readonly log: (message: string) => void;
  private identity: ClusterIdentity | undefined;
  private libsDir: string | undefined;

  constructor(private readonly options: KafkaClusterOptions) {
    if (!Number.isInteger(options.brokers) || options.brokers < 2 || options.brokers > 9)
      throw new Error(`a Kafka cluster has 2 to 9 brokers, not ${options.brokers} (one broker: KafkaLauncher)`);
    this.dir = resolve(options.dir);
    this.version = options.version ?? KAFKA_VERSION;
    this.heapMb = options.heapMb ?? 384;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    this.log = options.log ?? (() => undefined);
  }

  /** The kafkajs `sasl` option of a user of this cluster (undefined when it runs without security). */
  saslOf(username: string): SaslOption | undefined {
    return saslOfUser(this.options.security, username, 'cluster');
  }

  /** The CA certificate a client of a secured cluster trusts (undefined without security). */
  get caFile(): string | undefined {
    return this.options.security ? nodeTls(this.dir).caFile : undefined;
  }

  /** The kafkajs `ssl` option of a client of this cluster (undefined without security). */
  clientSsl(): { ca: string[] } | undefined {
    const caFile = this.caFile;
    return caFile ? { ca: [readFileSync(caFile, 'utf8')] } : undefined;
  }

  /** `127.0.0.1:<port>,…` of every broker; stable across restarts. */
  get brokers(): string {
    return this.nodes.map((node) => addressOf(node)).join(',');
  }

  get nodes(): ClusterNode[] {
    if (!this.identity) throw new Error('the Kafka cluster has not been started yet');
    return this.identity.nodes;
  }

  logFileOf(id: number): string {
    return join(this.nodeDir(id), 'logs', 'server.log');
  }

  /** Starts every node and waits until each broker is registered and the controller quorum has a leader. */
  async start(): Promise<string> {
    const started = Date.now();
    await checkJava();
    this.libsDir = await ensureKafkaJars(this.version);
    this.identity = await this.loadOrCreateIdentity();
    for (const node of this.identity.nodes) {
      mkdirSync(join(this.nodeDir(node.id), 'logs'), { recursive: true, mode: 0o700 });
      await this.killOrphan(node.id);
      this.writeConfig(node);
    }
    // Formatting is a JVM start each: in parallel, it is one's worth of waiting.
    await Promise.all(
      this.identity.nodes
        .filter((node) => !existsSync(join(this.nodeDir(node.id), 'data', 'meta.properties')))
        .map((node) => this.formatStorage(node)),
    );
    const exits = new Map<number, () => number | null>();
    for (const node of this.identity.nodes) exits.set(node.id, await this.spawnNode(node));
    await this.waitUntilReady(this.identity.nodes, exits);
    this.log(
      `kafka ${this.version} cluster of ${this.identity.brokers} brokers ready at ${this.brokers} in ` +
        `${Date.now() - started} ms (${this.dir})`,
    );
    return this.brokers;
  }

  /** Stops every node (brokers first, controllers last: the quorum stays up while brokers shut down cleanly). */
  async stop(options: { removeData?: boolean; graceMs?: number } = {}): Promise<void> {
    const identity = this.identity ?? this.readIdentity();
    const nodes = identity?.nodes ?? [];
    await Promise.all(
      nodes.filter((node) => node.roles === 'broker').map((node) => this.stopNode(node.id, options.graceMs)),
    );
    await Promise.all(
      nodes.filter((node) => node.roles !== 'broker').map((node) => this.stopNode(node.id, options.graceMs)),
    );
    if (options.removeData) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stops one node (SIGTERM, then SIGKILL after the grace period); its data stays. */
  async stopNode(id: number, graceMs = 15_000): Promise<void> {
    const pid = this.readPid(id);
    if (pid !== undefined) await terminate(pid, graceMs);
    rmSync(join(this.nodeDir(id), PID_FILE), { force: true });
  }

  /** Starts one stopped node again and waits until it is registered again. */
  async startNode(id: number): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (!node) throw new Error(`no node ${id} in this Kafka cluster`);
    if (this.isNodeRunning(id)) return;
    const exited = await this.spawnNode(node);
    await this.waitUntilReady([node], new Map([[id, exited]]), false);
  }

  /** Kills one node at once, as a crash would; resolves once the process is gone (bounded: 5 s). */
  async killNode(id: number): Promise<void> {
    const pid = this.readPid(id);
    if (pid === undefined || !isProcessAlive(pid)) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isProcessAlive(pid); i++) await sleep(100);
  }

  isNodeRunning(id: number): boolean {
    const pid = this.readPid(id);
    return pid !== undefined && isProcessAlive(pid);
  }

  isRunning(): boolean {
    return (this.identity ?? this.readIdentity())?.nodes.some((node) => this.isNodeRunning(node.id)) ?? false;
  }

  private nodeDir(id: number): string {
    return join(this.dir, `node-${id}`);
  }

  private readPid(id: number): number | undefined {
    const file = join(this.nodeDir(id), PID_FILE);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private async killOrphan(id: number): Promise<void> {
    const pid = this.readPid(id);
    if (pid === undefined) return;
    if (isProcessAlive(pid) && commandLineOf(pid).includes(this.nodeDir(id))) {
      this.log(`stopping orphaned kafka node ${id} (pid ${pid}) of ${this.dir}`);
      await terminate(pid, 10_000);
    }
    rmSync(join(this.nodeDir(id), PID_FILE), { force: true });
  }

  private readIdentity(): ClusterIdentity | undefined {
    const file = join(this.dir, CLUSTER_FILE);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterIdentity) : undefined;
  }

  private async loadOrCreateIdentity(): Promise<ClusterIdentity> {
    if (existsSync(join(this.dir, 'instance.json')))
      throw new Error(
        `${this.dir} holds a single Kafka broker, not a cluster of ${this.options.brokers}: ` +
          'wipe it (npm run reset for the local stack) or use another folder',
      );
    const existing = this.readIdentity();
    if (existing) {
      const reasons = [
        existing.version !== this.version && `Kafka ${existing.version}, not ${this.version}`,
        existing.brokers !== this.options.brokers && `${existing.brokers} brokers, not ${this.options.brokers}`,
        existing.secured !== Boolean(this.options.security) &&
          `${existing.secured ? 'with' : 'without'} broker users and ACLs, now asked ${existing.secured ? 'without' : 'with'}`,
      ].filter(Boolean);
      if (reasons.length > 0)
        throw new Error(
          `Kafka cluster ${this.dir} was created with ${reasons.join('; ')}: ` +
            'wipe it (npm run reset for the local stack) or use another folder',
        );
      return existing;
    }
    const taken = new Set<number>();
    const port = async () => {
      let candidate = await freePort();
      while (taken.has(candidate)) candidate = await freePort();
      taken.add(candidate);
      return candidate;
    };
    const nodes: ClusterNode[] = [];
    for (let id = 1; id <= this.options.brokers; id++) {
      const controller = id <= MAX_CONTROLLERS;
      nodes.push({
        id,
        roles: controller ? 'broker,controller' : 'broker',
        brokerPort: await port(),
        ...(controller ? { controllerPort: await port() } : {}),
      });
    }
    const identity: ClusterIdentity = {
      version: this.version,
      clusterId: randomBytes(16).toString('base64url'),
      brokers: this.options.brokers,
      secured: Boolean(this.options.security),
      nodes,
    };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    writeFileSync(join(this.dir, CLUSTER_FILE), `${JSON.stringify(identity, null, 2)}\n`);
    return identity;
  }

  private writeConfig(node: ClusterNode): void {
    const identity = this.identity!;
    const voters = identity.nodes
      .filter((candidate) => candidate.controllerPort !== undefined)
      .map((candidate) => `${candidate.id}@127.0.0.1:${candidate.controllerPort}`)
      .join(',');
    const dir = this.nodeDir(node.id);
    const properties: Record<string, string> = {
      'process.roles': node.roles,
      'node.id': String(node.id),
      'controller.quorum.voters': voters,
      ...listenerProperties(node, this.options.security, this.options.security ? nodeTls(this.dir) : undefined),
      'log.dirs': join(dir, 'data'),
      'num.partitions': '1',
      ...clusterReplicationProperties(identity.brokers),
      'offsets.topic.num.partitions': '5',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
      'log.retention.hours': '-1',
      ...this.options.extraProperties,
    };
    const text = Object.entries(properties)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    writeFileSync(join(dir, 'server.properties'), `${text}\n`, { mode: 0o600 });
    chmodSync(join(dir, 'server.properties'), 0o600);
    writeFileSync(join(dir, 'log4j2.properties'), log4jConfig(this.logFileOf(node.id)));
  }

  private jvmArgs(id: number): string[] {
    const dir = this.nodeDir(id);
    return [
      `-Xmx${this.heapMb}m`,
      `-Xms${Math.min(this.heapMb, 128)}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      // Three JVMs on a small machine: fewer compiler and GC threads each.
      '-XX:CICompilerCount=2',
      '-XX:ParallelGCThreads=1',
      '-XX:ConcGCThreads=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(dir, 'logs')}`,
      // Names the node folder on the command line, so an orphan can be recognised as ours.
      `-Dregistrybus.instance=${dir}`,
      '-cp',
      `${this.libsDir}/*`,
    ];
  }

  private async formatStorage(node: ClusterNode): Promise<void> {
    const identity = this.identity!;
    const { code, output } = await run(
      'java',
      [
        ...this.jvmArgs(node.id),
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${identity.clusterId}`,
        '-c',
        join(this.nodeDir(node.id), 'server.properties'),
        '--ignore-formatted',
        // Every node's bootstrap metadata carries the users: whichever controller leads, they are there.
        ...(this.options.security
          ? [this.options.security.admin, ...this.options.security.users].flatMap((user) => [
              '--add-scram',
              `SCRAM-SHA-512=[name=${user.username},password=${user.password}]`,
            ])
          : []),
      ],
      { missingHint: JAVA_HINT },
    );
    if (code !== 0)
      throw new Error(`formatting Kafka storage of node ${node.id} in ${this.dir} failed (exit ${code}):\n${output}`);
  }

  /** Spawns a node's JVM; returns how to ask whether (and how) it has exited. */
  private async spawnNode(node: ClusterNode): Promise<() => number | null> {
    if (await isPortOpen(node.brokerPort)) {
      throw new Error(
        `port ${node.brokerPort} of Kafka node ${node.id} (${this.dir}) is taken by another process; ` +
          `stop it or remove ${join(this.dir, CLUSTER_FILE)} to pick new ports`,
      );
    }
    const dir = this.nodeDir(node.id);
    const out = openSync(join(dir, 'logs', 'stdout.log'), 'a');
    const child = spawn('java', [...this.jvmArgs(node.id), 'kafka.Kafka', join(dir, 'server.properties')], {
      cwd: dir,
      detached: true, // Ctrl-C in a terminal reaches us, not the nodes: we stop them in order.
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.once('error', () => undefined);
    if (child.pid === undefined) throw new LauncherPrerequisiteError(`could not start java. ${JAVA_HINT}`);
    writeFileSync(join(dir, PID_FILE), `${child.pid}\n`);
    child.unref();
    let exited: number | null = null;
    child.once('exit', (code) => (exited = code ?? -1));
    return () => exited;
  }

  /**
   * Ready means each of `waiting` is a registered, unfenced broker in the
   * cluster metadata (only an active controller unfences a broker) and a
   * majority of the controllers name the same quorum leader in their
   * quorum-state file. Bounded: the error names the node that did not come up.
   */
  private async waitUntilReady(
    waiting: ClusterNode[],
    exits: Map<number, () => number | null>,
    stopOnFailure = true,
  ): Promise<void> {
    const sasl = this.options.security ? this.saslOf(this.options.security.admin.username) : undefined;
    const deadline = Date.now() + this.readyTimeoutMs;
    let lastError = 'no answer';
    let registered = new Set<number>();
    let leader: number | undefined;
    while (Date.now() < deadline) {
      for (const node of waiting) {
        const code = exits.get(node.id)?.();
        if (code !== null && code !== undefined) {
          if (stopOnFailure) await this.stop();
          throw new Error(
            `Kafka node ${node.id} (127.0.0.1:${node.brokerPort}) exited with code ${code} while starting; ` +
              `see ${this.logFileOf(node.id)}:\n${this.tailOfLogs(node.id)}`,
          );
        }
      }
      leader = this.quorumLeader();
      // Ask a broker that is up: the one being waited for may be the only one down.
      const live = this.nodes.filter((node) => this.isNodeRunning(node.id)).map((node) => addressOf(node));
      const admin = new Kafka({
        clientId: 'registry-bus-launcher',
        brokers: live,
        ...(sasl ? { sasl, ssl: this.clientSsl()! } : {}),
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        registered = new Set(cluster.brokers.map((broker) => broker.nodeId));
        if (leader !== undefined && waiting.every((node) => registered.has(node.id))) return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await sleep(300);
    }
    const missing = waiting.filter((node) => !registered.has(node.id));
    if (stopOnFailure) await this.stop();
    const what =
      missing.length > 0
        ? missing
            .map((node) => `broker ${node.id} (127.0.0.1:${node.brokerPort}, ${this.logFileOf(node.id)})`)
            .join(', ') + ' did not register'
        : 'the controller quorum has no leader';
    throw new Error(
      `Kafka cluster ${this.dir} did not come up within ${this.readyTimeoutMs} ms: ${what}` +
        (leader === undefined ? ' (no quorum leader yet)' : ` (quorum leader: node ${leader})`) +
        ` (last error: ${lastError}):\n${(missing[0] ? [missing[0].id] : [1]).map((id) => this.tailOfLogs(id)).join('\n')}`,
    );
  }

  /** The leader a majority of the controllers' quorum-state files agree on, if any. */
  private quorumLeader(): number | undefined {
    const controllers = this.nodes.filter((node) => node.controllerPort !== undefined);
    const votes = new Map<number, number>();
    for (const node of controllers) {
      const file = join(this.nodeDir(node.id), 'data', '__cluster_metadata-0', 'quorum-state');
      try {
        const { leaderId } = JSON.parse(readFileSync(file, 'utf8')) as { leaderId?: number };
        if (typeof leaderId === 'number' && leaderId >= 0) votes.set(leaderId, (votes.get(leaderId) ?? 0) + 1);
      } catch {
        // not written yet
      }
    }
    for (const [id, count] of votes) if (count > controllers.length / 2) return id;
    return undefined;
  }

  private tailOfLogs(id: number): string {
    return ['stdout.log', 'server.log']
      .map((name) => join(this.nodeDir(id), 'logs', name))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file, 'utf8').split('\n').slice(-30).join('\n'))
      .join('\n');
  }
}

function addressOf(node: ClusterNode): string {
  return `127.0.0.1:${node.brokerPort}`;
}
