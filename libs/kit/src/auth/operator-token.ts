import { createHash, randomBytes } from 'node:crypto';

export const ROLES = ['admin', 'clerk', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the token says: every command records `operator` as the envelope's actor. */
export interface Operator {
  tokenId: string;
  operator: string;
  department: string;
  role: Role;
  /** What the operator acts for inside the department, e.g. a bank (`bank:alpha`) or a university. */
  scope: string | null;
}

/**
 * `rbt_<department>_<43 characters>`: the department is readable so a token
 * shown to the wrong department gets a precise 403, and 32 random bytes make
 * a plain SHA-256 enough for storage (no password stretching needed).
 */
const TOKEN = /^rbt_([a-z][a-z0-9-]{0,30})_([A-Za-z0-9_-]{43})$/;

export function newTokenSecret(department: string): string {
  return `rbt_${department}_${randomBytes(32).toString('base64url')}`;
}

export function departmentOfToken(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of an `Authorization: Bearer …` header, or why there is none. */
export function bearerToken(header: string | undefined): { token: string } | { missing: string } {
  if (!header) return { missing: 'no Authorization header; send "Authorization: Bearer <token>"' };
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) return { missing: 'the Authorization header is not "Bearer <token>"' };
  return { token: match[1]! };
}
