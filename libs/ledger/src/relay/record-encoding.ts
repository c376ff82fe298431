import {
  encodeRecord,
  entryFieldKey,
  envelopeFromStored,
  newSalt,
  openField,
  parseDisclosure,
  parseStrictJson,
  parseStrictJsonBytes,
  sealDisclosure,
  sealField,
  type SealedEntryContext,
} from '@registry-bus/protocol';

import type { OutgoingRecord } from './ledger-relay.js';
import type { EntryIdempotency, StoredEntry } from './stored-entry.js';

/**
 * Kafka header on a command's last record: its idempotency key, request
 * digest and first seq (JSON). Not signed — it is bookkeeping for the
 * department's own recovery, which only the department can write to its
 * topic; no consumer relies on it.
 */
export const IDEMPOTENCY_HEADER = 'registry-bus-idempotency';

/**
 * The field the idempotency header is sealed under: no event type has a
 * field of that name (they are identifiers), and no grant can name it, so
 * its key is released to nobody — only the department's own recovery opens it.
 */
export const IDEMPOTENCY_FIELD = '$idempotency';

/** How one entry is sealed: its subject's key, and the fields its type leaves in clear. */
export interface EntrySealing {
  subjectKey: Uint8Array;
  publicFields: readonly string[];
}

const sealingContext = (entry: StoredEntry): SealedEntryContext => ({
  chain: entry.chain,
  seq: entry.seq,
  type: entry.type,
  hash: entry.hash,
});

/**
 * The Kafka record of a stored entry with its data sealed (issue #28): the
 * public fields in clear, every other field encrypted under a key derived
 * from the subject key (docs/PROTOCOL.md, "A record's sealed data"), and the
 * idempotency header — bookkeeping that may carry a client's key — sealed
 * too. The envelope and the commitments are exactly those of the plain
 * record: hashes, receipts and verification do not change.
 */
export async function encodeSealedEntry(entry: StoredEntry, sealing: EntrySealing): Promise<OutgoingRecord> {
  const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
  const context = sealingContext(entry);
  const disclosure = entry.disclosure
    ? await sealDisclosure(
        parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure')),
        context,
        sealing.publicFields,
        sealing.subjectKey,
      )
    : undefined;
  // Nothing sealed (every field public): the record is the plain one.
  const record = encodeRecord(
    envelope,
    disclosure && Object.keys(disclosure.sealed).length === 0
      ? { fields: disclosure.fields, salts: disclosure.salts, withheld: disclosure.withheld }
      : disclosure,
  );
  if (!entry.idempotency) return record;
  const sealed = await sealField(
    entryFieldKey(sealing.subjectKey, context, IDEMPOTENCY_FIELD),
    { chain: entry.chain, seq: entry.seq, field: [IDEMPOTENCY_FIELD], hash: Buffer.from(entry.hash).toString('hex') },
    { salt: newSalt(), value: idempotencyValue(entry.idempotency) },
  );
  return {
    ...record,
    headers: { ...record.headers, [IDEMPOTENCY_HEADER]: JSON.stringify({ v: 1, sealed }) },
  };
}

/**
 * A sealed idempotency header opened with the entry's subject key; a plain
 * one (records published before issue #28) read as it is. Undefined when
 * absent or not one of ours; throws when it is sealed and does not open.
 */
export async function openIdempotencyHeader(
  header: string | undefined,
  entry: SealedEntryContext,
  subjectKey: Uint8Array | undefined,
): Promise<EntryIdempotency | undefined> {
  if (!header) return undefined;
  let parsed: unknown;
  try {
    parsed = parseStrictJson(header, 'the idempotency header');
  } catch {
    return undefined;
  }
  const sealed = (parsed as { v?: unknown; sealed?: unknown }).sealed;
  if ((parsed as { v?: unknown }).v !== 1 || sealed === undefined) return decodeIdempotency(header);
  if (!subjectKey)
    throw new Error(`the idempotency header of ${entry.chain}/${entry.seq} is sealed and no subject key opens it`);
  const hash = typeof entry.hash === 'string' ? entry.hash : Buffer.from(entry.hash).toString('hex');
  const opened = await openField(
    entryFieldKey(subjectKey, entry, IDEMPOTENCY_FIELD),
    { chain: entry.chain, seq: entry.seq, field: [IDEMPOTENCY_FIELD], hash },
    sealed,
  );
  return decodeIdempotency(JSON.stringify(opened.value));
}

/** The Kafka record of a stored entry: the signed envelope with its data (disclosure object). */
export function encodeStoredEntry(entry: StoredEntry): OutgoingRecord {
  const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
  const disclosure = entry.disclosure
    ? parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure'))
    : undefined;
  const record = encodeRecord(envelope, disclosure);
  if (!entry.idempotency) return record;
  return { ...record, headers: { ...record.headers, [IDEMPOTENCY_HEADER]: encodeIdempotency(entry.idempotency) } };
}

const idempotencyValue = (idempotency: EntryIdempotency) => ({
  key: idempotency.key,
  requestDigest: Buffer.from(idempotency.requestDigest).toString('hex'),
  firstSeq: idempotency.firstSeq,
});

export function encodeIdempotency(idempotency: EntryIdempotency): string {
  return JSON.stringify(idempotencyValue(idempotency));
}

/** The header back, or undefined when it is absent or not one of ours. */
export function decodeIdempotency(header: string | undefined): EntryIdempotency | undefined {
  if (!header) return undefined;
  try {
    const value = parseStrictJson(header, 'the idempotency header') as {
      key?: unknown;
      requestDigest?: unknown;
      firstSeq?: unknown;
    };
    if (
      typeof value.key !== 'string' ||
      typeof value.requestDigest !== 'string' ||
      !Number.isSafeInteger(value.firstSeq)
    )
      return undefined;
    if (!/^[0-9a-f]{64}$/.test(value.requestDigest)) return undefined;
    return {
      key: value.key,
      requestDigest: Buffer.from(value.requestDigest, 'hex'),
      firstSeq: value.firstSeq as number,
    };
  } catch {
    return undefined;
  }
}
