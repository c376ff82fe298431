// Pure, browser-safe parts first; the Node-only parts (node:crypto Ed25519,
// the file-based signer) come from ./node/ and are marked below.
export { ProtocolError, ProtocolErrorCode, isProtocolError } from './errors/protocol-error.js';
export { canonicalize, canonicalBytes, CanonicalizationError } from './canonical/canonicalize.js';
export { parseStrictJson, parseStrictJsonBytes } from './json/strict-json.js';
export {
  toHex,
  fromHex,
  toBase64,
  fromBase64,
  toBase64Url,
  utf8,
  fromUtf8,
  equalBytes,
  concatBytes,
  randomBytes,
} from './encoding/bytes.js';
export {
  DEPARTMENTS,
  GENESIS_PREVHASH_HEX,
  HASHED_ATTRIBUTES,
  TYPE_PATTERN,
  hashedPart,
  type EnvelopeAttributes,
  type SignedEnvelope,
} from './envelope/envelope.js';
export {
  CHAIN_PATTERN,
  DEPARTMENT_PATTERN,
  SHARD_CHAIN_PATTERN,
  SOURCE_PATTERN,
  departmentOfChain,
  departmentOfSource,
  formatChain,
  isDepartmentId,
  parseChain,
  partitionOfChain,
  requireChain,
  shardOfChain,
  sourceOf,
  type ChainId,
} from './identifiers/identifiers.js';
export { decodeEnvelope, parseEnvelope } from './envelope/decode-envelope.js';
export {
  checkDisclosure,
  checkFullData,
  commitData,
  digestOfCommitments,
  fieldCommitment,
  newSalt,
  parseDisclosure,
  redact,
  type CommittedData,
  type Disclosure,
  type EventData,
} from './commitments/commitments.js';
export { SignatureDomain, signingMessage } from './signing/domains.js';
export { verifyEd25519, signEd25519, publicKeyOf, generateSecretKey } from './signing/ed25519.js';
export { memorySigner, type InProcessSigner, type Signature, type Signer } from './signing/signer.js';
export {
  resolveKey,
  findKey,
  keyProblemAt,
  bundlePublicKey,
  signTrustBundle,
  addGovernanceSignature,
  bundleSignatures,
  trustedKey,
  verifyTrustBundle,
  type BundleSignature,
  type OutsideWitness,
  type SignedTrustBundle,
  type TrustBundle,
  type KeyCompromise,
  type TrustedDepartment,
  type TrustedKey,
} from './trust/trust-bundle.js';
export { rootFingerprint, trustBundleDigest } from './trust/trust-identity.js';
export { checkGovernance, type Governance, type GovernanceKey } from './trust/governance.js';
export { governanceOf, governanceSigners, verifyBundleSuccession } from './trust/bundle-succession.js';
export { checkEncryptionKeys, checkEncryptionKeysKept, encryptionKeyOf } from './trust/encryption-keys.js';
export {
  checkWitnessing,
  defaultQuorum,
  quorumOf,
  witnessesOf,
  type ChainWitnesses,
  type QuorumReport,
  type WitnessPolicy,
} from './trust/witness-quorum.js';
export {
  envelopeFromStored,
  envelopeHash,
  sealEntry,
  sealEntrySync,
  type EntryInput,
  type SealedEnvelope,
} from './entry/seal-entry.js';
export {
  verifyEnvelope,
  verifyEnvelopeSignature,
  type SignatureVerifier,
  type VerifiedEnvelope,
} from './entry/verify-entry.js';
export {
  DEFAULT_ANCHOR_GRACE_SECONDS,
  DEFAULT_CLOCK_SKEW_MS,
  checkpointTime,
  compromiseRuling,
  judgeAtReceipt,
  validWhenAnchored,
  type CompromiseRuling,
  type ReceiptTimes,
} from './trust/key-time.js';
export {
  EventTypeRegistry,
  defineEventType,
  typeMatches,
  type EventTypeDefinition,
} from './event-types/event-type-registry.js';
export { anchorSignedV1, controlEventTypes, trustBundlePublishedV1 } from './event-types/control-events.js';
export {
  CLOUDEVENTS_CONTENT_TYPE,
  decodeRecord,
  destinationOf,
  encodeRecord,
  LEDGER_TOPIC_GENERATION,
  ledgerTopicOf,
  legacyLedgerTopicOf,
  type DecodedRecord,
  type WireRecord,
} from './kafka/kafka-codec.js';
export { testSecret, testSigner, testTrustBundle } from './fixtures/test-department.js';
export { EncryptionDomain, fromBase64UrlStrict, lengthPrefixed, tuple, type FieldPath } from './encryption/encoding.js';
export {
  FIELD_KEY_BYTES,
  SUBJECT_KEY_BYTES,
  deriveFieldKey,
  fieldKeyInfo,
  hkdfSha256,
  newSubjectKey,
  type FieldKeyContext,
} from './encryption/field-key.js';
export {
  fieldAssociatedData,
  openField,
  parseSealedField,
  sealField,
  type FieldCipherContext,
  type OpenedField,
  type SealedField,
} from './encryption/field-cipher.js';
export {
  checkEncryptionPublicKey,
  encryptionKeyId,
  encryptionPublicKeyOf,
  formatEncryptionKey,
  generateEncryptionKeyPair,
  parseEncryptionKey,
  type EncryptionKeyEntry,
  type EncryptionKeyPair,
  type EncryptionPublicKey,
} from './encryption/encryption-key.js';
export {
  entryFieldKey,
  openDisclosure,
  parseSealedMember,
  sealDisclosure,
  sealedFieldsOf,
  type OpenedDisclosure,
  type SealedDisclosure,
  type SealedEntryContext,
} from './encryption/sealed-data.js';
export {
  KEY_RELEASE_ALG,
  keyReleaseInfo,
  openKeyRelease,
  parseKeyRelease,
  sealKeyRelease,
  type KeyRelease,
  type KeyReleaseScope,
  type OpenedKeyRelease,
  type ReleasedKey,
} from './encryption/key-release.js';
export { answerInfo, openAnswer, sealAnswer, type AnswerScope, type SealedAnswer } from './encryption/sealed-answer.js';

// Node-only (node:crypto, node:fs): not for browsers.
export { nodeSigner, verifyEd25519Node, SMALL_ORDER_ENCODINGS } from './node/node-ed25519.js';
export {
  loadEncryptionKeyPair,
  loadOrCreateEncryptionKeyPair,
  loadOrCreateFileSigner,
  type LoadedEncryptionKey,
  type StoredEncryptionKey,
  type StoredKey,
} from './node/file-signer.js';
export { readOwnerOnlyFile } from './node/owner-only-file.js';
export { ensureDevTrust, type DevTrust } from './node/dev-trust.js';
export { asyncApiDocument } from './asyncapi/asyncapi-document.js';
export { protocolRegistry } from './asyncapi/all-event-types.js';
export { signMessage, verifyMessage, type SignedMessage } from './query/signed-message.js';
export { cosign, cosignSync, verifyCosignature, type CosignedStatement } from './witness/cosignature.js';
export {
  NoteSignatureType,
  checkKeyName,
  formatNote,
  formatSignatureLine,
  formatVerifierKey,
  noteKeyId,
  parseNote,
  parseVerifierKey,
  signNoteEd25519,
  signaturesBy,
  verifyNoteEd25519,
  type NoteSignature,
  type NoteVerifierKey,
  type SignedNote,
} from './checkpoint/signed-note.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint/tlog-checkpoint.js';
export {
  cosignerKeysOf,
  cosignerNames,
  keyValidAt,
  noteKeyOf,
  noteKeysOf,
  type CosignerKey,
} from './checkpoint/bundle-note-keys.js';
export {
  MAX_PROOF_LINES,
  TLOG_SIZE_CONTENT_TYPE,
  formatAddCheckpoint,
  parseAddCheckpoint,
  type AddCheckpointRequest,
} from './checkpoint/tlog-witness.js';
export {
  cosignCheckpoint,
  cosignatureMessage,
  splitCosignature,
  verifyCosignatures,
} from './checkpoint/tlog-cosignature.js';
