import { parseDisclosure, type Disclosure } from '../commitments/commitments.js';
import { utf8 } from '../encoding/bytes.js';
import { decodeEnvelope } from '../envelope/decode-envelope.js';
import type { SignedEnvelope } from '../envelope/envelope.js';
import { departmentOfSource, requireChain } from '../identifiers/identifiers.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import type { SealedField } from '../encryption/field-cipher.js';
import { parseSealedMember } from '../encryption/sealed-data.js';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** A Kafka record as plain data (no client library), so the codec stays pure. */
export interface WireRecord {
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
}

/**
 * The generation of the ledger topics: 2 since issue #28, whose records carry
 * non-public fields sealed. Generation 1 (`gov.<dept>.ledger`) carried every
 * field in clear; an owner republishes its history to generation 2 and
 * deletes its generation 1 topic (docs/PROTOCOL.md, "Topic generations").
 */
export const LEDGER_TOPIC_GENERATION = 2;
export const ledgerTopicOf = (department: string) => `gov.${department}.ledger.v${LEDGER_TOPIC_GENERATION}`;
/** The generation 1 topic, written in clear before issue #28: read by nobody, deleted by its owner. */
export const legacyLedgerTopicOf = (department: string) => `gov.${department}.ledger`;

/** Topic and partition of a chain: `land` → gov.land.ledger/0, `land/3` → gov.land.ledger/3. */
export function destinationOf(chain: string): { topic: string; partition: number } {
  const { department, shard } = requireChain(chain);
  return { topic: ledgerTopicOf(department), partition: shard ?? 0 };
}

/**
 * A ledger record: the CloudEvent in structured JSON mode, its `data` the
 * disclosure object {fields, salts, withheld}; key = subject; headers for
 * routing without parsing (content-type, ce_id, ce_type, ce_source).
 */
export function encodeRecord(envelope: SignedEnvelope, disclosure?: Disclosure): WireRecord {
  const event = disclosure === undefined ? envelope : { ...envelope, data: disclosure };
  return {
    key: envelope.subject,
    value: utf8(JSON.stringify(event)),
    headers: {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_id: envelope.id,
      ce_type: envelope.type,
      ce_source: envelope.source,
    },
  };
}

export interface DecodedRecord {
  envelope: SignedEnvelope;
  /** With `sealed` when fields travel encrypted (issue #28): their commitments are in `withheld`. */
  disclosure?: Disclosure & { sealed?: Record<string, SealedField> };
}

/**
 * Decodes a ledger record and checks it belongs where it arrived: the topic
 * is the source department's ledger topic and the key is the subject.
 * Throws only ProtocolError.
 */
export function decodeRecord(record: { topic?: string; key?: string | null; value: Uint8Array | null }): DecodedRecord {
  if (record.value === null || record.value.length === 0) {
    throw new ProtocolError(ProtocolErrorCode.BAD_RECORD, 'the record has no value');
  }
  const { envelope, data } = decodeEnvelope(record.value);
  if (record.topic !== undefined) {
    const department = departmentOfSource(envelope.source)!;
    if (record.topic !== ledgerTopicOf(department)) {
      throw new ProtocolError(
        ProtocolErrorCode.WRONG_TOPIC,
        `an entry of ${envelope.source} arrived on ${record.topic}`,
        'source',
      );
    }
  }
  if (record.key !== undefined && record.key !== null && record.key !== envelope.subject) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_RECORD,
      `the record key '${record.key}' is not the subject '${envelope.subject}'`,
      'subject',
    );
  }
  if (data === undefined) return { envelope };
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { envelope, disclosure: parseDisclosure(data) };
  const { sealed, ...plain } = data as Record<string, unknown>;
  const disclosure = parseDisclosure(plain);
  return sealed === undefined
    ? { envelope, disclosure }
    : { envelope, disclosure: { ...disclosure, sealed: parseSealedMember(sealed, disclosure.withheld) } };
}
