import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

import { canonicalBytes } from '../canonical/canonicalize.js';
import { equalBytes, toBase64Url, utf8 } from '../encoding/bytes.js';
import { KEYID_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { DEPARTMENT_PATTERN } from '../identifiers/identifiers.js';
import { parseStrictJsonBytes } from '../json/strict-json.js';
import { EncryptionDomain, fromBase64UrlStrict, tuple } from './encoding.js';
import { checkEncryptionPublicKey, type EncryptionPublicKey } from './encryption-key.js';
import { KEY_RELEASE_ALG } from './key-release.js';

/** Whose answer to which question: the HPKE info. */
export interface AnswerScope {
  /** The department that asked (and alone can open it). */
  asker: string;
  /** The department that answered. */
  answerer: string;
  /** The request's id (its correlation id). */
  requestId: string;
}

/** Wire format v1 of a sealed query answer. */
export interface SealedAnswer {
  v: 1;
  alg: typeof KEY_RELEASE_ALG;
  /** The asker's encryption key id in the trust bundle. */
  kid: string;
  /** HPKE encapsulated key (32 bytes), base64url without padding. */
  enc: string;
  /** HPKE ciphertext of JCS(answer), base64url without padding. */
  ct: string;
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_CT_BYTES = 16 << 20;
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/**
 * The HPKE info: lp("registry-bus/query-answer/v1") ‖ lp(asker) ‖ lp(answerer) ‖ lp(request id).
 * An answer opened as another department's, another answerer's or another question's fails.
 */
export function answerInfo(scope: AnswerScope): Uint8Array {
  for (const [attribute, department] of [
    ['asker', scope.asker],
    ['answerer', scope.answerer],
  ] as const) {
    if (typeof department !== 'string' || !DEPARTMENT_PATTERN.test(department))
      throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${department}' is not a department id`, attribute);
  }
  if (typeof scope.requestId !== 'string' || !REQUEST_ID.test(scope.requestId))
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'is not a request id', 'requestId');
  return tuple(utf8(EncryptionDomain.QUERY_ANSWER), utf8(scope.asker), utf8(scope.answerer), utf8(scope.requestId));
}

/**
 * Seals a query answer to the asker's X25519 key (RFC 9180 Base mode, the
 * suite of the key release): what a register answers another about a
 * parcel's owners never sits readable on the reply topic, even for the
 * broker's operators. The reply around it is signed by the answerer.
 */
export async function sealAnswer(
  scope: AnswerScope,
  recipient: EncryptionPublicKey,
  answer: Record<string, unknown>,
): Promise<SealedAnswer> {
  const info = answerInfo(scope);
  checkEncryptionPublicKey(recipient.publicKey, 'recipient.publicKey');
  if (!KEYID_PATTERN.test(recipient.keyId))
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${recipient.keyId}' is not a key id`, 'recipient.keyId');
  const recipientPublicKey = await suite.kem.deserializePublicKey(recipient.publicKey);
  const { ct, enc } = await suite.seal({ recipientPublicKey, info }, canonicalBytes(answer));
  return {
    v: 1,
    alg: KEY_RELEASE_ALG,
    kid: recipient.keyId,
    enc: toBase64Url(new Uint8Array(enc)),
    ct: toBase64Url(new Uint8Array(ct)),
  };
}

/**
 * Opens an answer sealed to `recipient`. Throws ProtocolError:
 * BAD_CIPHERTEXT (not the format, or not a canonical JSON object inside),
 * UNKNOWN_KEY (sealed to another key id), DECRYPTION_FAILED (another
 * private key, asker, answerer or request, or changed bytes).
 */
export async function openAnswer(
  sealed: unknown,
  scope: AnswerScope,
  recipient: { keyId: string; privateKey: Uint8Array },
): Promise<Record<string, unknown>> {
  const fail = (reason: string, member?: string) =>
    new ProtocolError(ProtocolErrorCode.BAD_CIPHERTEXT, reason, member ? `answer.${member}` : 'answer');
  if (typeof sealed !== 'object' || sealed === null || Array.isArray(sealed))
    throw fail('must be a sealed answer {v, alg, kid, enc, ct}');
  const { v, alg, kid, enc, ct, ...rest } = sealed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw fail(`unknown member '${Object.keys(rest)[0]}'`);
  if (v !== 1) throw fail(`format version ${JSON.stringify(v)} is not 1`, 'v');
  if (alg !== KEY_RELEASE_ALG) throw fail(`algorithm ${JSON.stringify(alg)} is not ${KEY_RELEASE_ALG}`, 'alg');
  if (typeof kid !== 'string' || !KEYID_PATTERN.test(kid)) throw fail('is not a key id', 'kid');
  if (kid !== recipient.keyId)
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_KEY,
      `the answer is sealed to key '${kid}', not '${recipient.keyId}'`,
      'answer.kid',
    );
  const encBytes = fromBase64UrlStrict(enc);
  if (!encBytes || encBytes.length !== 32) throw fail('must be 32 bytes in base64url without padding', 'enc');
  const ctBytes = fromBase64UrlStrict(ct);
  if (!ctBytes || ctBytes.length < 16) throw fail('must be base64url without padding, at least the 16-byte tag', 'ct');
  if (ctBytes.length > MAX_CT_BYTES) throw fail('is longer than 16 MiB', 'ct');
  const recipientKey = await suite.kem.deserializePrivateKey(recipient.privateKey);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(await suite.open({ recipientKey, enc: encBytes, info: answerInfo(scope) }, ctBytes));
  } catch {
    throw new ProtocolError(
      ProtocolErrorCode.DECRYPTION_FAILED,
      'the answer does not open: another private key, asker, answerer or request, or changed bytes',
      'answer',
    );
  }
  const answer = parseStrictJsonBytes(plaintext, 'the opened answer');
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
    throw fail('the opened answer is no object');
  if (!equalBytes(canonicalBytes(answer), plaintext)) throw fail('the opened answer is not canonical JSON');
  return answer as Record<string, unknown>;
}
