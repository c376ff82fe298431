import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { KafkaCluster, type KafkaClusterOptions } from '../kafka-launcher/kafka-cluster.js';
import { ENV_KEYS } from './integration-environment.js';
import { TEST_RUNS_DIR } from './test-infrastructure.js';

/**
 * A Kafka cluster of its own for one spec, in the test run's folder (so the
 * run's teardown stops it if the spec could not, and the next run sweeps it
 * after a crash). The rest of the suite keeps the run's single broker; the
 * spec stops the cluster with `stop({ removeData: true })`.
 */
export async function startTestKafkaCluster(
  options: Omit<KafkaClusterOptions, 'dir'> & { env?: NodeJS.ProcessEnv },
): Promise<KafkaCluster> {
  const { env = process.env, ...clusterOptions } = options;
  const runId = env[ENV_KEYS.runId];
  if (!runId) throw new Error(`${ENV_KEYS.runId} is not set: start a cluster from a spec of the integration project`);
  const cluster = new KafkaCluster({
    ...clusterOptions,
    dir: join(TEST_RUNS_DIR, runId, `cluster-${randomBytes(3).toString('hex')}`),
  });
  await cluster.start();
  return cluster;
}
