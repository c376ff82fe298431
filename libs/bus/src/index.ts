export {
  chainDestination,
  chainOf,
  departmentGroups,
  ledgerTopic,
  legacyLedgerTopic,
  quarantineTopic,
  repliesTopic,
  requestsTopic,
} from './topics/topic-names.js';
export { ensureTopics, readableTopics, type TopicSpec } from './topics/ensure-topics.js';
export {
  CONVERSATION_RETENTION_MS,
  MAX_CONVERSATION_RETENTION_MS,
  holdConversationRetention,
  retentionWithin,
} from './topics/conversation-retention.js';
export {
  DURABLE_MIN_INSYNC_REPLICAS,
  DURABLE_REPLICATION_FACTOR,
  durableMinInsync,
  ledgerTopicsVerdict,
  type DurabilityContext,
  type DurabilityProblem,
  type DurabilityVerdict,
  type TopicSettings,
} from './topics/topic-durability.js';
export { checkLedgerTopics, readTopicSettings } from './topics/read-topic-settings.js';
export { createKafka, type KafkaClientOptions } from './kafka/kafka-client.js';
export { kafkajsTransport, transportAdminOf, transportOf } from './kafka/kafkajs-transport.js';
export { platformaticTransport } from './kafka/platformatic-transport.js';
export {
  DEFAULT_KAFKA_CLIENT,
  KAFKA_CLIENTS,
  kafkaTransport,
  type KafkaClientName,
} from './kafka/kafka-transport-factory.js';
export * from './transport/index.js';
export { brokerAcls, syncBrokerAcls, type BrokerAclInput, type BrokerGrant } from './kafka/broker-acls.js';
export { KafkaPublisher, type PublishedRecord } from './kafka/kafka-publisher.js';
export { consumerMigrations } from './migrations/index.js';
export {
  ConsumerPipeline,
  type ConsumerPipelineOptions,
  type PipelineOutcome,
  type QuarantineNotice,
} from './consumer/consumer-pipeline.js';
export { LedgerConsumer, type LedgerConsumerOptions } from './consumer/ledger-consumer.js';
export { ConsumerCode, ALARM_CODES } from './consumer/consumer-codes.js';
export {
  type AccessAuditRecord,
  type CheckpointRelease,
  type CodedFailure,
  type ConsumedEvent,
  type Disclosure,
  type EntryVerifier,
  type EventHandler,
  type SealedDataOpener,
  type GapFiller,
  type IncomingRecord,
  type KeyTimeOptions,
  type VerifiedEntry,
} from './consumer/consumer-types.js';
export { protocolVerifier } from './consumer/protocol-verifier.js';
export { QueryCode, type QueryReply, type QueryRequest, type SealedQueryReply } from './query/query-messages.js';
export {
  QueryServer,
  type QueryAuditRecord,
  type QueryHandler,
  type SelfJudgingQueryHandler,
  type QueryServerOptions,
} from './query/query-server.js';
export { QueryClient, QueryError, type QueryClientOptions } from './query/query-client.js';
export { queryParams, type ParamsSchema } from './query/query-params.js';
export {
  receivedEntries,
  receivedEntry,
  receivedHashAndTime,
  receivedGrantEntries,
  type ReceivedGrantEntry,
  latestReceived,
  latestReceivedOfType,
  receivedSignedWith,
  type ReceivedEntry,
} from './received/received-entries.js';
export {
  earliestAnchorCovering,
  latestAnchoredTreeSize,
  receivedAnchors,
  receivedAnchorsCovering,
  receivedCosignatures,
} from './received/received-anchors.js';
export {
  appliedSeq,
  consumerPositions,
  quarantineCounts,
  type ConsumerPosition,
} from './received/consumer-positions.js';
export { accessAudits, type AccessAuditRow } from './received/access-audits.js';
