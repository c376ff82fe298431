export {
  KafkaLauncher,
  type BrokerSecurity,
  type KafkaLauncherOptions,
  KAFKA_VERSION,
  ensureKafkaJars,
  kafkaJarCacheDir,
  checkJava,
  LauncherPrerequisiteError,
  CLUSTER_FILE,
  KafkaCluster,
  clusterReplicationProperties,
  type ClusterNode,
  type KafkaClusterOptions,
} from './kafka-launcher/index.js';
export {
  chooseInfrastructure,
  LOCAL_POSTGRES_ADMIN_URL,
  type InfrastructureChoice,
} from './environment/choose-infrastructure.js';
export {
  BROKERS_COUNT_KEY,
  startTestInfrastructure,
  testBrokerCount,
  type TestInfrastructure,
} from './infrastructure/test-infrastructure.js';
export { startTestKafkaCluster } from './infrastructure/test-cluster.js';
export {
  ENV_KEYS,
  integrationEnvironment,
  type IntegrationEnvironment,
} from './infrastructure/integration-environment.js';
export {
  createDatabase,
  createRole,
  dropByPrefix,
  newRunId,
  runPrefix,
  withDatabase,
} from './postgres/throwaway-databases.js';
export { startTlsPostgres, type TlsPostgres } from './postgres/tls-postgres.js';
export { freePort, isPortOpen } from './ports/free-port.js';
export { compare, formatReport, machineInfo, measure, type BenchReport, type BenchRow } from './bench/index.js';
export { FaultProxy, type FaultMode } from './fault-proxy/fault-proxy.js';
export { fuzzRequests, type FuzzRequest, type OpenApiDocument } from './fuzz/openapi-requests.js';
export {
  ENTRY_TIME,
  TEST_DEPARTMENTS,
  testReceipt,
  testReceiptAcrossAnchors,
  type AnchoredTimes,
} from './receipts/test-receipt.js';
export { ensureDevCa, type DevCa, type DevCertificate } from './dev-ca/index.js';
export { goCheck } from './crosscheck/go-check.js';
export {
  ACCESS_TOKEN_SECONDS,
  API_DOCS_CALLBACK_PATH,
  DEV_ACR_MFA,
  DEV_ACR_PASSWORD,
  DEV_API_DOCS_CLIENT_ID,
  DEV_CLIENT_ID,
  DEV_PORTAL_CLIENT_ID,
  DevIdentityProvider,
  PORTAL_CALLBACK_PATH,
  devUsers,
  isLoopbackCallback,
  signInAsDevUser,
  type DevIdentityProviderOptions,
  type DevUser,
  type SignedIn,
} from './identity/dev-identity-provider.js';
export {
  RawTopicDumpError,
  dumpEveryTopicRaw,
  plaintextOccurrences,
  rawReaderOptionsOf,
  readEveryTopicRaw,
  type PlaintextOccurrence,
  type RawDump,
  type RawReaderOptions,
  type RawRecord,
  type RawTopic,
  type RawTopicDumpFailure,
  type RecordPart,
  type SecuredKafka,
} from './raw-topics/index.js';
