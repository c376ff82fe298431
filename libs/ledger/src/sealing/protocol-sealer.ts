import { sealEntry, sealEntrySync, type Signer } from '@registry-bus/protocol';

import type { EntrySealer, SealedEntry } from '../append/entry-sealing.js';

/** Seals drafts with libs/protocol: commitments, canonical envelope, hash, signature. */
export function protocolSealer(signer: Signer): EntrySealer {
  const toEntry = (sealed: ReturnType<typeof sealEntrySync>): SealedEntry => ({
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
  if (signer.signSync) {
    return (draft, position) => toEntry(sealEntrySync({ ...draft, ...position }, signer));
  }
  return async (draft, position) => toEntry(await sealEntry({ ...draft, ...position }, signer));
}
