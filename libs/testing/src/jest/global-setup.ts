import { startTestInfrastructure, type TestInfrastructure } from '../infrastructure/test-infrastructure.js';
import { ENV_KEYS } from '../infrastructure/integration-environment.js';

declare global {
  var __registryBusTestInfrastructure: TestInfrastructure | undefined;
}

/** Starts Kafka and Postgres once for the integration project and hands them to tests through process.env. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infrastructure = await startTestInfrastructure({
    log: (message) => process.stderr.write(`[testing] ${message}\n`),
  });
  globalThis.__registryBusTestInfrastructure = infrastructure;
  process.env[ENV_KEYS.runId] = infrastructure.runId;
  process.env[ENV_KEYS.kafkaBrokers] = infrastructure.kafkaBrokers;
  process.env[ENV_KEYS.databaseAdminUrl] = infrastructure.databaseAdminUrl;
  process.stderr.write(`\n[testing] ${infrastructure.description}, ready in ${Date.now() - started} ms\n`);
}
