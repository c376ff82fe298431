import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { isProcessAlive } from '../ports/process-alive.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chooseInfrastructure } from '../environment/choose-infrastructure.js';
import { containerEngineAnswers } from '../environment/container-engine.js';
import { startKafkaContainer, startPostgresContainer } from '../environment/containers.js';
import { CLUSTER_FILE, KafkaCluster } from '../kafka-launcher/kafka-cluster.js';
import { KafkaLauncher } from '../kafka-launcher/kafka-launcher.js';
import { dropByPrefix, newRunId, runPrefix, sweepAbandonedRuns } from '../postgres/throwaway-databases.js';

export interface TestInfrastructure {
  runId: string;
  kafkaBrokers: string;
  /** A superuser connection used only to create and drop the run's databases and roles. */
  databaseAdminUrl: string;
  /** How each part was provided, for the log. */
  description: string;
  stop(): Promise<void>;
}

export const TEST_RUNS_DIR = join(tmpdir(), 'registry-bus-test');

/** Stops every Kafka instance (a single broker or a cluster) in a run's folder: a crashed spec may leave one running. */
export async function stopKafkaInstancesIn(runDir: string, graceMs = 2000): Promise<void> {
  for (const instance of existsSync(runDir) ? readdirSync(runDir) : []) {
    const dir = join(runDir, instance);
    const clusterFile = join(dir, CLUSTER_FILE);
    if (existsSync(clusterFile)) {
      const { brokers } = JSON.parse(readFileSync(clusterFile, 'utf8')) as { brokers: number };
      await new KafkaCluster({ dir, brokers }).stop({ graceMs });
    } else {
      await new KafkaLauncher({ dir }).stop({ graceMs });
    }
  }
}

/** Stops brokers and removes Kafka data that crashed earlier runs left in the temp folder. */
async function sweepAbandonedKafka(log: (message: string) => void): Promise<void> {
  if (!existsSync(TEST_RUNS_DIR)) return;
  for (const runId of readdirSync(TEST_RUNS_DIR)) {
    const pid = parseInt(runId.split('_')[0] ?? '', 36);
    if (Number.isInteger(pid) && isProcessAlive(pid)) continue;
    const runDir = join(TEST_RUNS_DIR, runId);
    log(`removing Kafka data of abandoned test run ${runId}`);
    await stopKafkaInstancesIn(runDir);
    rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * REGISTRY_BUS_TEST_KAFKA_BROKERS_COUNT: the launcher starts a cluster of
 * that many brokers for the whole run instead of one (1 to 9; unset: 1).
 */
export function testBrokerCount(env: NodeJS.ProcessEnv): number {
  const raw = env[BROKERS_COUNT_KEY]?.trim();
  if (!raw) return 1;
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > 9)
    throw new Error(`${BROKERS_COUNT_KEY} must be a whole number from 1 to 9, not '${raw}'`);
  return count;
}

export const BROKERS_COUNT_KEY = 'REGISTRY_BUS_TEST_KAFKA_BROKERS_COUNT';

/**
 * Brings up what the integration tests run against, once per test run:
 * a Kafka and a Postgres server chosen by chooseInfrastructure().
 */
export async function startTestInfrastructure(
  options: { env?: NodeJS.ProcessEnv; log?: (message: string) => void } = {},
): Promise<TestInfrastructure> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const runId = newRunId();
  const needsEngine = !env.KAFKA_BROKERS?.trim() || !env.DATABASE_URL?.trim();
  const choice = chooseInfrastructure(env, needsEngine ? await containerEngineAnswers() : false);
  const stops: Array<() => Promise<unknown>> = [];

  try {
    let kafkaBrokers: string;
    switch (choice.kafka.kind) {
      case 'external':
        kafkaBrokers = choice.kafka.brokers;
        break;
      case 'testcontainers': {
        if (testBrokerCount(env) > 1)
          throw new Error(
            `${BROKERS_COUNT_KEY}: a Kafka cluster is provided by the launcher only, not by testcontainers ` +
              '(install a Java 17+ so the launcher is chosen, or set KAFKA_BROKERS to a cluster of your own)',
          );
        const started = await startKafkaContainer();
        stops.push(() => started.container.stop());
        kafkaBrokers = started.brokers;
        break;
      }
      case 'launcher': {
        await sweepAbandonedKafka(log);
        const count = testBrokerCount(env);
        const launcher =
          count === 1
            ? new KafkaLauncher({ dir: join(TEST_RUNS_DIR, runId, 'kafka'), log })
            : new KafkaCluster({ dir: join(TEST_RUNS_DIR, runId, 'kafka'), brokers: count, log });
        stops.push(async () => {
          await launcher.stop({ removeData: true });
          // Clusters a spec started for itself (startTestKafkaCluster) and did not stop.
          await stopKafkaInstancesIn(join(TEST_RUNS_DIR, runId));
          rmSync(join(TEST_RUNS_DIR, runId), { recursive: true, force: true });
        });
        kafkaBrokers = await launcher.start();
        break;
      }
    }

    let databaseAdminUrl: string;
    switch (choice.postgres.kind) {
      case 'external':
      case 'local':
        databaseAdminUrl = choice.postgres.adminUrl;
        await sweepAbandonedRuns(databaseAdminUrl).then((dropped) => {
          if (dropped.length > 0) log(`dropped leftovers of abandoned test runs: ${dropped.join(', ')}`);
        });
        break;
      case 'testcontainers': {
        const started = await startPostgresContainer();
        stops.push(() => started.container.stop());
        databaseAdminUrl = started.adminUrl;
        break;
      }
    }
    const adminUrl = databaseAdminUrl;
    // Dropping the run's databases goes first: containers and brokers stop after.
    stops.unshift(() => dropByPrefix(adminUrl, runPrefix(runId)));

    return {
      runId,
      kafkaBrokers,
      databaseAdminUrl,
      description: `kafka: ${choice.kafka.kind} (${kafkaBrokers}), postgres: ${choice.postgres.kind}, run ${runId}`,
      stop: async () => {
        const errors: unknown[] = [];
        for (const stop of stops) await stop().catch((error: unknown) => errors.push(error));
        if (errors.length > 0) throw new AggregateError(errors, 'stopping the test infrastructure failed');
      },
    };
  } catch (error) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw error;
  }
}
