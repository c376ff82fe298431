import { sha256 } from '@noble/hashes/sha2.js';

import { canonicalize } from '../canonical/canonicalize.js';
import { commitData, type Disclosure, type EventData } from '../commitments/commitments.js';
import { toBase64, toHex, utf8 } from '../encoding/bytes.js';
import {
  GENESIS_PREVHASH_HEX,
  hashedPart,
  type EnvelopeAttributes,
  type SignedEnvelope,
} from '../envelope/envelope.js';
import { departmentOfChain, sourceOf } from '../identifiers/identifiers.js';
import { parseAttributes } from '../envelope/decode-envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { parseStrictJsonBytes } from '../json/strict-json.js';
import { SignatureDomain, signingMessage } from '../signing/domains.js';
import type { InProcessSigner, Signer } from '../signing/signer.js';

export interface EntryInput {
  chain: string;
  seq: number;
  /** 32 bytes; zeros for seq 1. */
  prevhash: Uint8Array;
  type: string;
  subject: string;
  data: EventData;
  actor: string;
  time?: Date;
  id?: string;
}

export interface SealedEnvelope {
  envelope: SignedEnvelope;
  /** The exact canonical bytes that were hashed (what the ledger stores). */
  canonical: Uint8Array;
  hash: Uint8Array;
  sig: Uint8Array;
  disclosure: Disclosure;
  /** Canonical bytes of the full disclosure (data with its salts). */
  disclosureBytes: Uint8Array;
}

/** hash = SHA-256(JCS(envelope without data, hash, sig, keyid)). */
export function envelopeHash(envelope: EnvelopeAttributes): { canonical: Uint8Array; hash: Uint8Array } {
  const canonical = utf8(canonicalize(hashedPart(envelope)));
  return { canonical, hash: sha256(canonical) };
}

function attributes(input: EntryInput, datadigest: string): EnvelopeAttributes {
  const department = departmentOfChain(input.chain);
  if (!department)
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, `'${input.chain}' is not a chain id`, 'chain');
  if (!Number.isSafeInteger(input.seq) || input.seq < 1)
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'must be a positive integer', 'seq');
  const prevhash = toHex(input.prevhash);
  if (input.seq === 1 && prevhash !== GENESIS_PREVHASH_HEX) {
    throw new ProtocolError(ProtocolErrorCode.BAD_ATTRIBUTE, 'of seq 1 must be 64 zeros', 'prevhash');
  }
  // Checked with the decoder's own rules, so we never sign an envelope a consumer would refuse.
  return parseAttributes({
    specversion: '1.0',
    id: input.id ?? globalThis.crypto.randomUUID(),
    source: sourceOf(department),
    type: input.type,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    subject: input.subject,
    chain: input.chain,
    seq: String(input.seq),
    prevhash,
    datadigest,
    actor: input.actor,
  });
}

function finish(
  envelope: EnvelopeAttributes,
  keyId: string,
  canonical: Uint8Array,
  hash: Uint8Array,
  sig: Uint8Array,
  disclosure: Disclosure,
): SealedEnvelope {
  return {
    envelope: { ...envelope, hash: toHex(hash), sig: toBase64(sig), keyid: keyId },
    canonical,
    hash,
    sig,
    disclosure,
    disclosureBytes: utf8(canonicalize(disclosure)),
  };
}

/**
 * Builds a complete entry: commits to the data with fresh salts, fills the
 * envelope, hashes its canonical form and signs `registry-bus/entry/v1\n ‖ hash`
 * through the signing port.
 */
export async function sealEntry(input: EntryInput, signer: Signer): Promise<SealedEnvelope> {
  const committed = commitData(input.data);
  const envelope = attributes(input, committed.datadigest);
  const { canonical, hash } = envelopeHash(envelope);
  const sig = await signer.sign(signingMessage(SignatureDomain.ENTRY, hash));
  return finish(envelope, signer.keyId, canonical, hash, sig, committed.disclosure);
}

/** The same entry sealed without awaiting, with a key held in this process (test fixtures, benches). */
export function sealEntrySync(input: EntryInput, signer: InProcessSigner): SealedEnvelope {
  const committed = commitData(input.data);
  const envelope = attributes(input, committed.datadigest);
  const { canonical, hash } = envelopeHash(envelope);
  const sig = signer.signSync(signingMessage(SignatureDomain.ENTRY, hash));
  return finish(envelope, signer.keyId, canonical, hash, sig, committed.disclosure);
}

/** Rebuilds the signed envelope from what the ledger stores: the canonical bytes, hash, signature and key id. */
export function envelopeFromStored(
  canonical: Uint8Array,
  hash: Uint8Array,
  sig: Uint8Array,
  keyId: string,
): SignedEnvelope {
  const attributes = parseStrictJsonBytes(canonical, 'the stored envelope') as EnvelopeAttributes;
  return { ...attributes, hash: toHex(hash), sig: toBase64(sig), keyid: keyId };
}
