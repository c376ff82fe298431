/** Stable codes of protocol failures, shared by HTTP problems, quarantine records and the verifier. */
export const ProtocolErrorCode = {
  BAD_JSON: 'PROTOCOL.BAD_JSON',
  BAD_NOTE: 'PROTOCOL.BAD_NOTE',
  BAD_ATTRIBUTE: 'PROTOCOL.BAD_ATTRIBUTE',
  UNKNOWN_ATTRIBUTE: 'PROTOCOL.UNKNOWN_ATTRIBUTE',
  NOT_CANONICAL: 'PROTOCOL.NOT_CANONICAL',
  HASH_MISMATCH: 'PROTOCOL.HASH_MISMATCH',
  BAD_SIGNATURE: 'PROTOCOL.BAD_SIGNATURE',
  UNKNOWN_KEY: 'PROTOCOL.UNKNOWN_KEY',
  KEY_REVOKED: 'PROTOCOL.KEY_REVOKED',
  KEY_NOT_VALID_AT_TIME: 'PROTOCOL.KEY_NOT_VALID_AT_TIME',
  KEY_WRONG_DEPARTMENT: 'PROTOCOL.KEY_WRONG_DEPARTMENT',
  TIME_AHEAD: 'PROTOCOL.TIME_AHEAD',
  TIME_BEFORE_PREVIOUS: 'PROTOCOL.TIME_BEFORE_PREVIOUS',
  BAD_TRUST_BUNDLE: 'PROTOCOL.BAD_TRUST_BUNDLE',
  DATA_COMMITMENT_MISMATCH: 'PROTOCOL.DATA_COMMITMENT_MISMATCH',
  BAD_DISCLOSURE: 'PROTOCOL.BAD_DISCLOSURE',
  SCHEMA_VIOLATION: 'PROTOCOL.SCHEMA_VIOLATION',
  UNKNOWN_EVENT_TYPE: 'PROTOCOL.UNKNOWN_EVENT_TYPE',
  BAD_RECORD: 'PROTOCOL.BAD_RECORD',
  WRONG_TOPIC: 'PROTOCOL.WRONG_TOPIC',
  /** An encrypted field or key release that is not the v1 wire format (version, algorithm, base64url, lengths, addressing). */
  BAD_CIPHERTEXT: 'PROTOCOL.BAD_CIPHERTEXT',
  /** The AEAD refused: wrong key, wrong associated data (chain, seq, field, entry hash, HPKE info) or changed bytes. */
  DECRYPTION_FAILED: 'PROTOCOL.DECRYPTION_FAILED',
  /** A field key, subject key or X25519 key that is not one (length, encoding, a point of small order). */
  BAD_ENCRYPTION_KEY: 'PROTOCOL.BAD_ENCRYPTION_KEY',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/**
 * The one error the protocol raises: a stable code, the attribute or data
 * field concerned (when there is one) and a reason a person can act on.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    readonly reason: string,
    readonly attribute?: string,
  ) {
    super(attribute ? `${code}: ${attribute}: ${reason}` : `${code}: ${reason}`);
  }
}

export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}
