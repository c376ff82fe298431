import {
  encodeRecord,
  envelopeFromStored,
  parseDisclosure,
  parseStrictJson,
  parseStrictJsonBytes,
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

export function encodeIdempotency(idempotency: EntryIdempotency): string {
  return JSON.stringify({
    key: idempotency.key,
    requestDigest: Buffer.from(idempotency.requestDigest).toString('hex'),
    firstSeq: idempotency.firstSeq,
  });
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
