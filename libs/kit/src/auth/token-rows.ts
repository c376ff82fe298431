import type { Role } from './operator-token.js';
import type { TokenIssuedData } from './token-ledger.js';

/** What the rows need of a connection: a TypeORM DataSource or manager, or a pg pool wrapped to return rows. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows come back untyped from every driver
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** A row of operator_token as stored. */
export interface StoredTokenRow {
  id: string;
  token_hash: Buffer;
  operator: string;
  role: Role;
  scope: string | null;
  created_at: Date;
  created_by: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_chain: string | null;
  last_seq: string | null;
}

/**
 * Every statement on operator_token. The writes run only in the transaction
 * that inserts the token's entry (kit migration 1764000002006 refuses any
 * other at commit).
 */
export async function writeIssuedToken(
  db: Queryable,
  token: TokenIssuedData,
  issuedAt: Date,
  issuedBy: string,
  position: { chain: string; seq: number },
): Promise<void> {
  // Recovery may find the row still there (a database half lost): it is made again from the entry.
  await db.query(
    `INSERT INTO operator_token (id, token_hash, operator, role, scope, created_at, created_by, expires_at, last_chain, last_seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, operator = EXCLUDED.operator,
       role = EXCLUDED.role, scope = EXCLUDED.scope, created_at = EXCLUDED.created_at,
       created_by = EXCLUDED.created_by, expires_at = EXCLUDED.expires_at, revoked_at = NULL, revoked_by = NULL,
       last_chain = EXCLUDED.last_chain, last_seq = EXCLUDED.last_seq`,
    [
      token.tokenId,
      Buffer.from(token.tokenHash, 'hex'),
      token.operator,
      token.role,
      token.scope ?? null,
      issuedAt,
      issuedBy,
      new Date(token.expiresAt),
      position.chain,
      position.seq,
    ],
  );
}

export async function writeRevokedToken(
  db: Queryable,
  tokenId: string,
  revokedAt: Date,
  revokedBy: string,
  position: { chain: string; seq: number },
): Promise<void> {
  await db.query(
    'UPDATE operator_token SET revoked_at = $2, revoked_by = $3, last_chain = $4, last_seq = $5 WHERE id = $1',
    [tokenId, revokedAt, revokedBy, position.chain, position.seq],
  );
}

export async function tokenRowByHash(db: Queryable, tokenHash: Buffer): Promise<StoredTokenRow | undefined> {
  const rows: StoredTokenRow[] = await db.query('SELECT * FROM operator_token WHERE token_hash = $1', [tokenHash]);
  return rows[0];
}

export async function tokenRows(db: Queryable): Promise<StoredTokenRow[]> {
  return db.query('SELECT * FROM operator_token ORDER BY created_at, id');
}

export async function activeTokenIdsIssuedBy(db: Queryable, issuedBy: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.query(
    'SELECT id FROM operator_token WHERE created_by = $1 AND revoked_at IS NULL ORDER BY created_at, id',
    [issuedBy],
  );
  return rows.map((row) => row.id);
}
