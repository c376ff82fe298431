import { encodeRecord, envelopeFromStored, parseDisclosure } from '@registry-bus/protocol';

import type { OutgoingRecord } from './ledger-relay.js';
import type { StoredEntry } from './stored-entry.js';

/** The Kafka record of a stored entry: the signed envelope with its data (disclosure object). */
export function encodeStoredEntry(entry: StoredEntry): OutgoingRecord {
  const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
  const disclosure = entry.disclosure
    ? parseDisclosure(JSON.parse(new TextDecoder().decode(entry.disclosure)))
    : undefined;
  return encodeRecord(envelope, disclosure);
}
