/**
 * The Kafka broker the project is proven against. kafkajs 2.2.4 (its last
 * release) predates Kafka 4.0's removal of old protocol versions (KIP-896);
 * libs/testing/integration/kafka-plumbing.spec.ts proves produce, group
 * consumption and admin calls against exactly this version, and CI runs it.
 */
export const KAFKA_VERSION = '4.4.0';
/** Log4j 2 binding for Kafka's slf4j 1.7 API, so broker errors reach the log file. */
export const LOG4J_VERSION = '2.25.5';
export const SCALA_BINARY_VERSION = '2.13';
