import { existsSync, readdirSync, rmSync } from 'node:fs';
import { isProcessAlive } from '../ports/process-alive.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chooseInfrastructure } from '../environment/choose-infrastructure.js';
import { containerEngineAnswers } from '../environment/container-engine.js';
import { startKafkaContainer, startPostgresContainer } from '../environment/containers.js';
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

/** Stops brokers and removes Kafka data that crashed earlier runs left in the temp folder. */
async function sweepAbandonedKafka(log: (message: string) => void): Promise<void> {
  if (!existsSync(TEST_RUNS_DIR)) return;
  for (const runId of readdirSync(TEST_RUNS_DIR)) {
    const pid = parseInt(runId.split('_')[0] ?? '', 36);
    if (Number.isInteger(pid) && isProcessAlive(pid)) continue;
    const runDir = join(TEST_RUNS_DIR, runId);
    log(`removing Kafka data of abandoned test run ${runId}`);
    for (const instance of existsSync(runDir) ? readdirSync(runDir) : []) {
      await new KafkaLauncher({ dir: join(runDir, instance) }).stop({ graceMs: 2000 });
    }
    rmSync(runDir, { recursive: true, force: true });
  }
}

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
        const started = await startKafkaContainer();
        stops.push(() => started.container.stop());
        kafkaBrokers = started.brokers;
        break;
      }
      case 'launcher': {
        await sweepAbandonedKafka(log);
        const launcher = new KafkaLauncher({ dir: join(TEST_RUNS_DIR, runId, 'kafka'), log });
        stops.push(async () => {
          await launcher.stop({ removeData: true });
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
