export { ledgerMigrations } from './migrations/index.js';
export {
  createDataSource,
  databaseNameOf,
  runMigrations,
  writerRoleName,
  type LedgerDataSourceOptions,
} from './database/data-source.js';
export {
  Ledger,
  treeConsistency,
  treeInclusion,
  type ConsistencyAnswer,
  type InclusionAnswer,
  type LedgerOptions,
} from './ledger.js';
export { MAX_SHARDS, chainForSubject, shardChains, shardOf } from './shards/chain-shards.js';
export {
  LedgerAppender,
  type ChainTreeWriter,
  type LedgerAppenderOptions,
  type MerkleNodeRow,
} from './append/ledger-appender.js';
export type {
  AppendCommand,
  AppendResult,
  AppendedEntry,
  ChainHead,
  DecideContext,
  Decision,
} from './append/append-command.js';
export {
  GENESIS_PREVHASH,
  type ChainPosition,
  type EntryDraft,
  type EntrySealer,
  type SealedEntry,
} from './append/entry-sealing.js';
export { insertRows, MAX_BIND_PARAMETERS } from './append/sql-batches.js';
export { LedgerError, LedgerErrorCode } from './errors/ledger-error.js';
export {
  LedgerRelay,
  type LedgerRelayOptions,
  republishFromStart,
  type OutgoingRecord,
  type RecordPublisher,
} from './relay/ledger-relay.js';
export type { EntryIdempotency, StoredEntry } from './relay/stored-entry.js';
export { restoreEntries } from './restore/restore-entries.js';
export { LedgerReader } from './read/ledger-reader.js';
export { ledgerHasEntries, writtenChains } from './read/written-chains.js';
export {
  countEntriesByField,
  entriesAt,
  entriesWithFields,
  entryHashes,
  entryWithFields,
  fieldByKey,
  headSeq,
  latestEntries,
  latestEntriesOfType,
  maxIntegerField,
  subjectEntries,
  unpublishedEntries,
  type EntryDataFilter,
  type EntryWithFields,
  type SqlQueryable,
  entriesByActor,
} from './read/entry-queries.js';
export { verifyChain, type ChainChecks, type CheckedEntry, type VerifyReport } from './verify/verify-chain.js';
export { protocolChainChecks } from './verify/protocol-checks.js';
export { protocolSealer } from './sealing/protocol-sealer.js';
export { PgNodeReader, appendToChainTree, pgChainTree, entryLeaf } from './merkle/pg-node-store.js';
export { signedHead, headStatement, verifySignedHead, type SignedHead } from './head/signed-head.js';
export {
  IDEMPOTENCY_FIELD,
  IDEMPOTENCY_HEADER,
  decodeIdempotency,
  encodeIdempotency,
  encodeSealedEntry,
  encodeStoredEntry,
  openIdempotencyHeader,
  type EntrySealing,
} from './relay/record-encoding.js';
export {
  DATA_KEK_FILE,
  SubjectKeyStore,
  loadOrCreateDataKek,
  unwrapSubjectKey,
  wrapSubjectKey,
  type KeyEncryptionKey,
  type SubjectKeyOwner,
  type SubjectKeyQueryable,
  type SubjectKeyStoreOptions,
  type WrappedSubjectKey,
} from './subject-keys/index.js';
