/** Stops what globalSetup started and drops the run's databases, roles and Kafka data. */
export default async function globalTeardown(): Promise<void> {
  const infrastructure = globalThis.__registryBusTestInfrastructure;
  globalThis.__registryBusTestInfrastructure = undefined;
  await infrastructure?.stop();
}
