import { sealEntry, type SealedEnvelope, type Signer } from '@registry-bus/protocol';

import type { EntrySealer, SealedEntry } from '../append/entry-sealing.js';

const toEntry = (sealed: SealedEnvelope): SealedEntry => ({
  id: sealed.envelope.id,
  chain: sealed.envelope.chain,
  seq: Number(sealed.envelope.seq),
  type: sealed.envelope.type,
  subject: sealed.envelope.subject,
  time: new Date(sealed.envelope.time),
  hash: sealed.hash,
  envelope: sealed.canonical,
  sig: sealed.sig,
  keyid: sealed.envelope.keyid,
  disclosure: sealed.disclosureBytes,
});

/**
 * Seals drafts with libs/protocol: commitments, canonical envelope, hash, and a
 * signature through the signing port (awaited per entry; the appender builds
 * the hash chain in memory, so an HSM round trip is the only wait).
 */
export function protocolSealer(signer: Signer): EntrySealer {
  return async (draft, position) => toEntry(await sealEntry({ ...draft, ...position }, signer));
}
