export {
  clientPropertiesOf,
  propertiesText,
  rawReaderOptionsOf,
  type RawReaderOptions,
  type SecuredKafka,
} from './client-properties.js';
export { plaintextOccurrences, type PlaintextOccurrence, type RecordPart } from './plaintext-occurrences.js';
export { parseDumpOutput, type RawDump, type RawRecord, type RawTopic } from './raw-record.js';
export {
  RawTopicDumpError,
  dumpEveryTopicRaw,
  readEveryTopicRaw,
  type RawTopicDumpFailure,
} from './raw-topic-reader.js';
