import { randomUUID } from 'node:crypto';

import { hashToken, newTokenSecret, type Operator, type Role } from './operator-token.js';

export interface IssuedToken {
  id: string;
  token: string;
  operator: string;
  role: Role;
  scope: string | null;
  expiresAt: Date;
}

export interface TokenRecord {
  id: string;
  operator: string;
  role: Role;
  scope: string | null;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export type TokenCheck = { ok: true; operator: Operator } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

interface TokenRow {
  id: string;
  operator: string;
  role: Role;
  scope: string | null;
  created_at: Date;
  created_by: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const toRecord = (row: TokenRow): TokenRecord => ({
  id: row.id,
  operator: row.operator,
  role: row.role,
  scope: row.scope,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
});

/** What the store needs of a connection: a TypeORM DataSource, or a pg pool wrapped to return rows. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows come back untyped from every driver
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Operator tokens of one department, in its own database. Only hashes are stored. */
export class TokenStore {
  constructor(
    private readonly dataSource: Queryable,
    readonly department: string,
  ) {}

  async issue(input: {
    operator: string;
    role: Role;
    scope?: string | null;
    validForSeconds: number;
    issuedBy: string;
  }): Promise<IssuedToken> {
    const token = newTokenSecret(this.department);
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + input.validForSeconds * 1000);
    await this.dataSource.query(
      `INSERT INTO operator_token (id, token_hash, operator, role, scope, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, hashToken(token), input.operator, input.role, input.scope ?? null, input.issuedBy, expiresAt],
    );
    return { id, token, operator: input.operator, role: input.role, scope: input.scope ?? null, expiresAt };
  }

  async check(token: string, now = new Date()): Promise<TokenCheck> {
    const rows: TokenRow[] = await this.dataSource.query('SELECT * FROM operator_token WHERE token_hash = $1', [
      hashToken(token),
    ]);
    const row = rows[0];
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      operator: {
        tokenId: row.id,
        operator: row.operator,
        department: this.department,
        role: row.role,
        scope: row.scope,
      },
    };
  }

  async list(): Promise<TokenRecord[]> {
    const rows: TokenRow[] = await this.dataSource.query('SELECT * FROM operator_token ORDER BY created_at, id');
    return rows.map(toRecord);
  }

  /** Revokes every active token one issuer made (`npm start` renews its development tokens this way). */
  async revokeIssuedBy(issuedBy: string, revokedBy: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE operator_token SET revoked_at = now(), revoked_by = $2 WHERE created_by = $1 AND revoked_at IS NULL',
      [issuedBy, revokedBy],
    );
  }

  /** Revokes a token; false when there is no such token or it was already revoked. */
  async revoke(id: string, revokedBy: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operator_token SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id, revokedBy],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
  }
}
