// The browser's view of @registry-bus/protocol: only what verifying a
// receipt needs, and nothing that imports node:*. The portal's bundler maps
// `@registry-bus/protocol` here, so libs/receipts runs unchanged in a page.
export { fromBase64, fromHex, toHex } from './encoding/bytes.js';
export { ProtocolError, ProtocolErrorCode, isProtocolError } from './errors/protocol-error.js';
export { parseStrictJson, parseStrictJsonBytes } from './json/strict-json.js';
export { GENESIS_PREVHASH_HEX, type SignedEnvelope } from './envelope/envelope.js';
export { departmentOfChain, departmentOfSource, shardOfChain } from './identifiers/identifiers.js';
export { checkDisclosure, type Disclosure } from './commitments/commitments.js';
export { verifyEd25519 } from './signing/ed25519.js';
export {
  resolveKey,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
  type TrustedKey,
} from './trust/trust-bundle.js';
export { rootFingerprint } from './trust/trust-identity.js';
export { quorumOf, witnessesOf, type QuorumReport } from './trust/witness-quorum.js';
export { checkpointTime, compromiseRuling, validWhenAnchored, DEFAULT_ANCHOR_GRACE_SECONDS } from './trust/key-time.js';
export { verifyEnvelope, verifyEnvelopeSignature, type SignatureVerifier } from './entry/verify-entry.js';
export { verifyCosignature } from './witness/cosignature.js';
export {
  NoteSignatureType,
  checkKeyName,
  formatNote,
  formatSignatureLine,
  formatVerifierKey,
  noteKeyId,
  parseNote,
  parseVerifierKey,
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
export { cosignatureMessage, splitCosignature, verifyCosignatures } from './checkpoint/tlog-cosignature.js';
