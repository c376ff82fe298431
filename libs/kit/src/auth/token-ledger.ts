import type { StoredEntry } from '@registry-bus/ledger';
import {
  checkDisclosure,
  departmentOfSource,
  envelopeFromStored,
  parseDisclosure,
  parseStrictJsonBytes,
  verifyEnvelope,
  type TrustBundle,
} from '@registry-bus/protocol';

import type { Role } from './operator-token.js';

/** The entry types of a department's operator tokens (control entries, libs/protocol control-events.ts). */
export const tokenIssuedType = (department: string) => `gov.${department}.operator.token-issued.v1`;
export const tokenRevokedType = (department: string) => `gov.${department}.operator.token-revoked.v1`;

/** The data of a token-issued entry. */
export interface TokenIssuedData {
  tokenId: string;
  /** SHA-256 of the secret, lower-case hex. */
  tokenHash: string;
  operator: string;
  role: Role;
  scope?: string;
  expiresAt: string;
}

/** An entry of a token, its envelope and data checked: what the fold reads. */
export interface TokenEntry {
  chain: string;
  seq: number;
  type: string;
  subject: string;
  time: Date;
  /** Who issued or revoked: the envelope's actor. */
  actor: string;
  data: Record<string, unknown>;
}

/** A token as its entries in the ledger give it. */
export interface LedgerToken {
  id: string;
  /** SHA-256 of the secret, lower-case hex. */
  tokenHash: string;
  operator: string;
  role: Role;
  scope: string | null;
  expiresAt: Date;
  issuedAt: Date;
  issuedBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  /** The last entry of the token: where its row must stand. */
  position: { chain: string; seq: number };
}

/** A row of operator_token, as the guard decides from it. */
export interface TokenRow {
  id: string;
  tokenHash: string;
  operator: string;
  role: Role;
  scope: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  position: { chain: string; seq: number } | null;
}

/**
 * Reads a stored entry of a token, refusing one whose hash, signature (a
 * key of `department` in the trust bundle, valid at the entry's time) or
 * data commitment does not hold: a login that may INSERT into the ledger but
 * holds no signing key cannot make a token entry the guard believes.
 * Returns the reason in words when it does not hold.
 */
export function readTokenEntry(
  entry: StoredEntry,
  department: string,
  bundle: TrustBundle,
): TokenEntry | { problem: string } {
  const at = `${entry.chain} seq ${entry.seq}`;
  try {
    const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
    if (departmentOfSource(envelope.source) !== department)
      return { problem: `entry ${at} is not ${department}'s (source ${envelope.source})` };
    if (envelope.chain !== entry.chain || envelope.seq !== String(entry.seq) || envelope.subject !== entry.subject)
      return { problem: `entry ${at}: its envelope names another position or subject` };
    verifyEnvelope(envelope, bundle);
    if (!entry.disclosure) return { problem: `entry ${at} has no data` };
    const disclosure = parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure'));
    checkDisclosure(disclosure, envelope.datadigest);
    if (Object.keys(disclosure.withheld).length > 0) return { problem: `entry ${at} has withheld fields` };
    return {
      chain: entry.chain,
      seq: entry.seq,
      type: envelope.type,
      subject: envelope.subject,
      time: new Date(envelope.time),
      actor: envelope.actor,
      data: disclosure.fields,
    };
  } catch (error) {
    return { problem: `entry ${at} does not verify: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Folds a token's entries, in seq order: issued once, revoked at most once.
 * Entries of other types under the same subject are passed over. Undefined
 * when the ledger has no issue of it; a reason when the entries make no
 * sense as a token's history.
 */
export function foldTokenEntries(
  department: string,
  tokenId: string,
  entries: readonly TokenEntry[],
): { token?: LedgerToken; problem?: string } {
  let token: LedgerToken | undefined;
  for (const entry of entries) {
    const at = `${entry.chain} seq ${entry.seq}`;
    if (entry.type !== tokenIssuedType(department) && entry.type !== tokenRevokedType(department)) continue;
    if (entry.subject !== tokenId || entry.data.tokenId !== tokenId)
      return { problem: `entry ${at} is of another token than ${tokenId}` };
    if (entry.type === tokenIssuedType(department)) {
      if (token) return { problem: `token ${tokenId} is issued twice (again at ${at})` };
      const data = entry.data as {
        tokenHash: string;
        operator: string;
        role: Role;
        scope?: string;
        expiresAt: string;
      };
      token = {
        id: tokenId,
        tokenHash: data.tokenHash,
        operator: data.operator,
        role: data.role,
        scope: data.scope ?? null,
        expiresAt: new Date(data.expiresAt),
        issuedAt: entry.time,
        issuedBy: entry.actor,
        revokedAt: null,
        revokedBy: null,
        position: { chain: entry.chain, seq: entry.seq },
      };
    } else {
      if (!token) return { problem: `token ${tokenId} is revoked at ${at} before it was issued` };
      if (token.revokedAt) return { problem: `token ${tokenId} is revoked twice (again at ${at})` };
      token = {
        ...token,
        revokedAt: entry.time,
        revokedBy: entry.actor,
        position: { chain: entry.chain, seq: entry.seq },
      };
    }
  }
  return token ? { token } : {};
}

/**
 * How a token's row disagrees with what its entries give, in words naming
 * both sides; undefined when they agree. Every field the guard decides by
 * is compared: the hash (which secret opens it), operator, role, scope,
 * expiry, whether it is revoked, and the entry it stands at.
 */
export function tokenDisagreement(row: TokenRow, ledger: LedgerToken | undefined): string | undefined {
  const what = `operator token ${row.id}`;
  if (!ledger) return `${what} has no issue entry in the ledger`;
  const differing = [
    row.tokenHash !== ledger.tokenHash ? 'tokenHash' : undefined,
    row.operator !== ledger.operator ? 'operator' : undefined,
    row.role !== ledger.role ? 'role' : undefined,
    row.scope !== ledger.scope ? 'scope' : undefined,
    row.expiresAt.getTime() !== ledger.expiresAt.getTime() ? 'expiresAt' : undefined,
  ].filter((field) => field !== undefined);
  if (differing.length > 0) return `${what}: the row's ${differing.join(', ')} differ from its issue entry`;
  if ((row.revokedAt === null) !== (ledger.revokedAt === null))
    return row.revokedAt === null
      ? `${what}: the row says active, but its entry at ${ledger.position.chain} seq ${ledger.position.seq} revoked it`
      : `${what}: the row says revoked, but the ledger never revoked it`;
  if (!row.position || row.position.chain !== ledger.position.chain || row.position.seq !== ledger.position.seq) {
    const named = row.position ? `${row.position.chain} seq ${row.position.seq}` : 'no entry';
    return `${what}: the row stands at ${named}, but its last entry is ${ledger.position.chain} seq ${ledger.position.seq}`;
  }
  return undefined;
}
