import type { DataSource, EntityManager } from 'typeorm';

import { ALARM_CODES, ConsumerCode } from './consumer-codes.js';
import type {
  AccessAuditRecord,
  CodedFailure,
  Disclosure,
  IncomingRecord,
  QuarantineNotice,
  VerifiedEntry,
} from './consumer-types.js';

/**
 * Every statement the consumer pipeline runs against its own tables
 * (received_entry and its data, access_audit, consumer_inbox,
 * consumer_position, consumer_quarantine). One write path: a single record
 * and a run of many are written by the same two steps, `writeReceived` then
 * `finishRun`, a statement per table.
 */

export interface Position {
  seq: number;
  hash: Uint8Array;
  /** The time the entry at `seq` claims (the next one may not claim much earlier: key-time.ts). */
  time?: Date;
}

/** One applied entry with what its checks decided: data kept, audited, parked. */
export interface AppliedItem {
  entry: VerifiedEntry;
  record: IncomingRecord;
  keptDisclosure: Disclosure | undefined;
  audit: AccessAuditRecord | undefined;
  parked: CodedFailure | undefined;
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The consumer's position on a chain, undefined before its first entry. */
export async function readPosition(db: DataSource, chain: string): Promise<Position | undefined> {
  const rows: Array<{ seq: string; hash: Buffer; time: Date | null }> = await db.query(
    `SELECT p.seq, p.hash, r.time FROM consumer_position p
       LEFT JOIN received_entry r ON r.source_chain = p.source_chain AND r.seq = p.seq
      WHERE p.source_chain = $1`,
    [chain],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { seq: Number(row.seq), hash: new Uint8Array(row.hash), ...(row.time ? { time: row.time } : {}) };
}

/** Kafka offsets to resume from: the offset after the last applied record of each (topic, partition). */
export async function readStoredOffsets(
  db: DataSource,
): Promise<Array<{ topic: string; partition: number; offset: string }>> {
  // Quarantined records count as read too, so a restart does not quarantine them twice.
  const rows: Array<{ topic: string; kafka_partition: number; kafka_offset: string }> = await db.query(
    `SELECT topic, kafka_partition, max(kafka_offset) AS kafka_offset FROM (
       SELECT topic, kafka_partition, kafka_offset FROM consumer_position
       UNION ALL
       SELECT topic, kafka_partition, kafka_offset FROM consumer_quarantine WHERE code <> '${ConsumerCode.GAP_UNFILLED}'
     ) AS read GROUP BY topic, kafka_partition`,
  );
  return rows.map((row) => ({
    topic: row.topic,
    partition: row.kafka_partition,
    offset: String(BigInt(row.kafka_offset) + 1n),
  }));
}

/** The hash this consumer received at (chain, seq), if it did. */
export async function receivedHash(db: DataSource, chain: string, seq: number): Promise<Uint8Array | undefined> {
  const rows: Array<{ hash: Buffer }> = await db.query(
    'SELECT hash FROM received_entry WHERE source_chain = $1 AND seq = $2',
    [chain, seq],
  );
  return rows[0] ? new Uint8Array(rows[0].hash) : undefined;
}

/** The first step of applying: the envelopes, the data kept of them and their access audits. */
export async function writeReceived(manager: EntityManager, items: readonly AppliedItem[]): Promise<void> {
  const entries = items.map((item) => item.entry);
  await manager.query(
    `INSERT INTO received_entry (source_chain, seq, id, type, subject, time, hash, envelope, sig, keyid)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],
                          $7::bytea[], $8::bytea[], $9::bytea[], $10::text[])`,
    [
      entries.map((e) => e.chain),
      entries.map((e) => e.seq),
      entries.map((e) => e.id),
      entries.map((e) => e.type),
      entries.map((e) => e.subject),
      entries.map((e) => e.time),
      entries.map((e) => toBuffer(e.hash)),
      entries.map((e) => toBuffer(e.envelope)),
      entries.map((e) => toBuffer(e.sig)),
      entries.map((e) => e.keyid),
    ],
  );
  const kept = items.filter((item) => item.keptDisclosure);
  if (kept.length > 0) {
    await manager.query(
      `INSERT INTO received_entry_data (source_chain, seq, disclosure)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])`,
      [
        kept.map((item) => item.entry.chain),
        kept.map((item) => item.entry.seq),
        kept.map((item) => Buffer.from(JSON.stringify(item.keptDisclosure))),
      ],
    );
  }
  await insertAudits(
    manager,
    items.flatMap((item) => (item.audit ? [item.audit] : [])),
  );
}

/**
 * The last step of applying: parked data in quarantine, `onApplied` (the
 * witness tree) per chain, and the position at each chain's last entry.
 */
export async function finishRun(
  manager: EntityManager,
  items: readonly AppliedItem[],
  onApplied?: (entries: VerifiedEntry[], manager: EntityManager) => Promise<void>,
): Promise<void> {
  for (const { entry, record, parked } of items) {
    // Rare (data that failed its checks): one statement each.
    if (parked) {
      await writeQuarantine(manager, {
        record,
        chain: entry.chain,
        seq: entry.seq,
        eventId: entry.id,
        eventType: entry.type,
        failure: parked,
        alarm: false,
      });
    }
  }
  for (const chain of new Set(items.map((item) => item.entry.chain))) {
    const ofChain = items.filter((item) => item.entry.chain === chain);
    await onApplied?.(
      ofChain.map((item) => item.entry),
      manager,
    );
    const last = ofChain.at(-1)!;
    await writePosition(manager, last.entry, last.record);
  }
}

/** Claims an event id for its handlers: false when it was already handled at another position. */
export async function claimInbox(manager: EntityManager, entry: VerifiedEntry): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    'INSERT INTO consumer_inbox (event_id, source_chain, seq) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
    [entry.id, entry.chain, entry.seq],
  );
  return inserted.length > 0;
}

/** Denials and redactions, in one statement (a department without grants has one for every entry it follows). */
async function insertAudits(manager: EntityManager, audits: AccessAuditRecord[]): Promise<void> {
  if (audits.length === 0) return;
  const params: unknown[] = [];
  const tuples = audits.map((audit) => {
    params.push(
      audit.chain,
      audit.seq,
      audit.eventType,
      audit.decision,
      audit.grantIds,
      audit.removedFields,
      audit.reason,
    );
    const base = params.length - 7;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::text[], $${base + 6}::text[], $${base + 7})`;
  });
  await manager.query(
    `INSERT INTO access_audit (source_chain, seq, event_type, decision, grant_ids, removed_fields, reason)
     VALUES ${tuples.join(', ')}`,
    params,
  );
}

/** The consumer's position on the entry's chain, committed with what was applied. */
async function writePosition(manager: EntityManager, entry: VerifiedEntry, record: IncomingRecord): Promise<void> {
  await manager.query(
    `INSERT INTO consumer_position (source_chain, seq, hash, topic, kafka_partition, kafka_offset, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (source_chain) DO UPDATE
       SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, topic = EXCLUDED.topic,
           kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset, updated_at = now()`,
    [entry.chain, entry.seq, toBuffer(entry.hash), record.topic, record.partition, record.offset],
  );
}

/** A record in quarantine, with its code and reason (and the alarm flag for codes that always raise one). */
export async function writeQuarantine(manager: EntityManager, notice: QuarantineNotice): Promise<void> {
  const { record } = notice;
  await manager.query(
    `INSERT INTO consumer_quarantine (topic, kafka_partition, kafka_offset, source_chain, seq, event_id, event_type, code, reason, alarm, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      record.topic,
      record.partition,
      record.offset,
      notice.chain ?? null,
      notice.seq ?? null,
      notice.eventId ?? null,
      notice.eventType ?? null,
      notice.failure.code,
      notice.failure.reason,
      notice.alarm || ALARM_CODES.has(notice.failure.code),
      record.value ? Buffer.from(record.value) : null,
    ],
  );
}
