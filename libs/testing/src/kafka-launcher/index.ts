export { KafkaLauncher, type BrokerSecurity, type KafkaLauncherOptions } from './kafka-launcher.js';
export { ensureKafkaJars, kafkaJarCacheDir, checkJava, LauncherPrerequisiteError } from './kafka-jars.js';
export { KAFKA_VERSION } from './kafka-version.js';
export {
  CLUSTER_FILE,
  KafkaCluster,
  clusterReplicationProperties,
  type ClusterNode,
  type KafkaClusterOptions,
} from './kafka-cluster.js';
