import type { Logger } from '@registry-bus/logging';

import type { Queryable } from '../auth/token-store.js';

export const AUDIT_LOG = Symbol('AUDIT_LOG');

export type AuditKind = 'read' | 'refused' | 'token-issued' | 'token-revoked';

/** One thing an operator did (or was refused), as it goes on record. */
export interface AuditEvent {
  kind: AuditKind;
  /** The operator id: `oidc:<issuer alias>:<sub>`, or an opaque token's operator; `unidentified` when unknown. */
  operator: string;
  role?: string | null;
  method: string;
  /** The route's pattern (`/v1/parcels/:cadastralNumber`), or a name for what is not a route (`cli:token issue`). */
  route: string;
  /** What was read or acted on: a register's subject (a parcel), a token id. */
  subject?: string | null;
  /** The personal fields the answer held. */
  fields?: readonly string[];
  status: number;
  code?: string | null;
  detail?: string | null;
}

export interface AuditRecord extends Required<Omit<AuditEvent, 'fields'>> {
  id: string;
  fields: string[];
  recordedAt: Date;
}

interface AuditRow {
  id: string;
  kind: AuditKind;
  operator: string;
  role: string | null;
  method: string;
  route: string;
  subject: string | null;
  fields: string[];
  status: number;
  code: string | null;
  detail: string | null;
  recorded_at: Date;
}

const toRecord = (row: AuditRow): AuditRecord => ({
  id: String(row.id),
  kind: row.kind,
  operator: row.operator,
  role: row.role,
  method: row.method,
  route: row.route,
  subject: row.subject,
  fields: row.fields,
  status: row.status,
  code: row.code,
  detail: row.detail,
  recordedAt: row.recorded_at,
});

/** At most this many rows per answer of `reads`; `after` pages on. */
export const AUDIT_PAGE_LIMIT = 500;

/**
 * The department's operator audit (table operator_audit, append-only): every
 * read of personal data, refusal, token issue and revocation. Each record
 * is also a structured log line, so a log pipeline sees what the table holds.
 * Other code records through `record` (a creditor-register search, say).
 */
export class AuditLog {
  constructor(
    private readonly dataSource: Queryable,
    private readonly logger?: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO operator_audit (kind, operator, role, method, route, subject, fields, status, code, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        event.kind,
        event.operator,
        event.role ?? null,
        event.method,
        event.route,
        event.subject ?? null,
        [...(event.fields ?? [])],
        event.status,
        event.code ?? null,
        event.detail?.slice(0, 1_000) ?? null,
      ],
    );
    this.logger?.info(
      {
        audit: event.kind,
        operator: event.operator,
        role: event.role ?? null,
        method: event.method,
        route: event.route,
        subject: event.subject ?? null,
        fields: event.fields ?? [],
        status: event.status,
        code: event.code ?? null,
      },
      `audit: ${event.kind} ${event.method} ${event.route}`,
    );
  }

  /** The reads of personal data about one subject, oldest first. */
  async reads(subject: string, after = 0, limit = AUDIT_PAGE_LIMIT): Promise<AuditRecord[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM operator_audit WHERE kind = 'read' AND subject = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [subject, after, Math.min(limit, AUDIT_PAGE_LIMIT)],
    );
    return rows.map(toRecord);
  }

  /** Every record of one kind, oldest first (the refusals, the token issues). */
  async ofKind(kind: AuditKind, after = 0, limit = AUDIT_PAGE_LIMIT): Promise<AuditRecord[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM operator_audit WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [kind, after, Math.min(limit, AUDIT_PAGE_LIMIT)],
    );
    return rows.map(toRecord);
  }
}
