import type { SqlQueryable } from './received-entries.js';

/** A row of the consumer's access audit: an entry of another department whose data it was denied or had redacted. */
export interface AccessAuditRow {
  id: number;
  chain: string;
  seq: number;
  eventType: string;
  decision: 'denied' | 'redacted';
  grantIds: string[];
  removedFields: string[];
  reason: string;
  createdAt: Date;
}

/** The access audit after row `afterId`, in order, at most `limit` (the consumer pipeline writes it). */
export async function accessAudits(db: SqlQueryable, afterId: number, limit: number): Promise<AccessAuditRow[]> {
  const rows: Array<{
    id: string;
    source_chain: string;
    seq: string;
    event_type: string;
    decision: 'denied' | 'redacted';
    grant_ids: string[];
    removed_fields: string[];
    reason: string;
    created_at: Date;
  }> = await db.query(
    `SELECT id, source_chain, seq, event_type, decision, grant_ids, removed_fields, reason, created_at
       FROM access_audit WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    chain: row.source_chain,
    seq: Number(row.seq),
    eventType: row.event_type,
    decision: row.decision,
    grantIds: row.grant_ids,
    removedFields: row.removed_fields,
    reason: row.reason,
    createdAt: row.created_at,
  }));
}
