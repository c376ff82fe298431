import { randomUUID } from 'node:crypto';

import { DomainError } from '@registry-bus/domain';
import { subjectEntries, type StoredEntry } from '@registry-bus/ledger';
import { toHex, type TrustBundle } from '@registry-bus/protocol';

import type { CommandRunner } from '../commands/command-runner.js';
import { hashToken, newTokenSecret, type Operator, type Role } from './operator-token.js';
import { TokenErrorCode, tokenAggregate } from './token-aggregate.js';
import { foldTokenEntries, readTokenEntry, tokenDisagreement, type TokenEntry, type TokenRow } from './token-ledger.js';
import {
  activeTokenIdsIssuedBy,
  tokenRowByHash,
  tokenRows,
  type Queryable,
  type StoredTokenRow,
} from './token-rows.js';

export type { Queryable } from './token-rows.js';

export interface IssuedToken {
  id: string;
  token: string;
  operator: string;
  role: Role;
  scope: string | null;
  expiresAt: Date;
  /** The token's issue entry. */
  entry: { chain: string; seq: number };
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
  /** The token's last entry (issue or revocation); null for a row revoked by the upgrade that tied tokens to the ledger. */
  entry: { chain: string; seq: number } | null;
}

export type TokenCheck =
  | { ok: true; operator: Operator }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' }
  | { ok: false; reason: 'disagrees-with-ledger'; detail: string };

/** What the store writes and checks with: the department's command runner and the trust bundle in force. */
export interface TokenLedger {
  commands: CommandRunner;
  trustBundle: () => TrustBundle;
}

const positionOf = (row: StoredTokenRow) =>
  row.last_chain !== null && row.last_seq !== null ? { chain: row.last_chain, seq: Number(row.last_seq) } : null;

const toRecord = (row: StoredTokenRow): TokenRecord => ({
  id: row.id,
  operator: row.operator,
  role: row.role,
  scope: row.scope,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
  entry: positionOf(row),
});

const toTokenRow = (row: StoredTokenRow): TokenRow => ({
  id: row.id,
  tokenHash: toHex(new Uint8Array(row.token_hash)),
  operator: row.operator,
  role: row.role,
  scope: row.scope,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  position: positionOf(row),
});

const VERIFIED_LIMIT = 10_000;

/**
 * Operator tokens of one department (issue #27). Issue and revocation are
 * control entries of the department's own chain
 * (`gov.<dept>.operator.token-issued.v1` / `token-revoked.v1`), and the
 * operator_token row the guard reads is their read model, written in the
 * same transaction; the table refuses any other write (kit migration
 * 1764000002006). The guard decides from the row and accepts it only when
 * the token's entries, their signatures checked, give the same: a row
 * rewritten by a superuser who switched the trigger off is refused.
 * Only hashes of the secrets are stored.
 */
export class TokenStore {
  private readonly aggregate;
  /** Token entries whose signature this process checked, by position and hash: entries never change. */
  private readonly verified = new Map<string, TokenEntry>();

  constructor(
    private readonly db: Queryable,
    readonly department: string,
    private readonly ledger?: TokenLedger,
  ) {
    this.aggregate = tokenAggregate(department);
  }

  private writer(): TokenLedger {
    if (!this.ledger) throw new Error('this token store reads only: it was given no ledger to record tokens in');
    return this.ledger;
  }

  async issue(input: {
    operator: string;
    role: Role;
    scope?: string | null;
    validForSeconds: number;
    issuedBy: string;
  }): Promise<IssuedToken> {
    const token = newTokenSecret(this.department);
    const id = randomUUID();
    // Whole milliseconds: the entry's ISO time and the row's timestamptz must say the same instant.
    const expiresAt = new Date(Date.now() + input.validForSeconds * 1000);
    const scope = input.scope ?? null;
    const outcome = await this.writer().commands.run(
      this.aggregate,
      id,
      {
        kind: 'issue-token',
        department: this.department,
        tokenId: id,
        tokenHash: toHex(new Uint8Array(hashToken(token))),
        operator: input.operator,
        role: input.role,
        ...(scope !== null ? { scope } : {}),
        expiresAt: expiresAt.toISOString(),
      },
      { actor: input.issuedBy },
    );
    const entry = outcome.entries.at(-1)!;
    return {
      id,
      token,
      operator: input.operator,
      role: input.role,
      scope,
      expiresAt,
      entry: { chain: entry.chain, seq: entry.seq },
    };
  }

  async check(token: string, now = new Date()): Promise<TokenCheck> {
    const row = await tokenRowByHash(this.db, hashToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    // A refusal the row gives needs no ledger: only an acceptance must be one the entries give too.
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    const problem = await this.ledgerDisagreement(row);
    if (problem) return { ok: false, reason: 'disagrees-with-ledger', detail: problem };
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

  /** How the row disagrees with the token's entries (signatures checked); undefined when they agree. */
  private async ledgerDisagreement(row: StoredTokenRow): Promise<string | undefined> {
    const stored = toTokenRow(row);
    if (!stored.position) return `operator token ${row.id} names no entry of the ledger`;
    const read: TokenEntry[] = [];
    for (const entry of await subjectEntries(this.db, stored.position.chain, row.id)) {
      const checked = this.verifiedEntry(entry);
      if ('problem' in checked) return `operator token ${row.id}: ${checked.problem}`;
      read.push(checked);
    }
    const folded = foldTokenEntries(this.department, row.id, read);
    if (folded.problem) return folded.problem;
    return tokenDisagreement(stored, folded.token);
  }

  private verifiedEntry(entry: StoredEntry): TokenEntry | { problem: string } {
    const key = `${entry.chain}\u0000${entry.seq}\u0000${toHex(entry.hash)}`;
    const known = this.verified.get(key);
    if (known) return known;
    if (!this.ledger) return { problem: 'this store has no trust bundle to check entries with' };
    const checked = readTokenEntry(entry, this.department, this.ledger.trustBundle());
    if ('problem' in checked) return checked;
    this.verified.set(key, checked);
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.verified.size > VERIFIED_LIMIT) this.verified.delete(this.verified.keys().next().value!);
    return checked;
  }

  async list(): Promise<TokenRecord[]> {
    return (await tokenRows(this.db)).map(toRecord);
  }

  /**
   * Every token whose row the ledger does not give (a row rewritten with
   * the trigger switched off): what GET /v1/ledger/verify reports.
   */
  async disagreements(): Promise<{ checked: number; disagreements: Array<{ tokenId: string; reason: string }> }> {
    const rows = await tokenRows(this.db);
    const disagreements: Array<{ tokenId: string; reason: string }> = [];
    for (const row of rows) {
      // Rows revoked by the upgrade (no entry) refuse themselves; every other row is held to its entries.
      if (row.last_chain === null && row.revoked_at !== null) continue;
      const reason = await this.ledgerDisagreement(row);
      if (reason) disagreements.push({ tokenId: row.id, reason });
    }
    return { checked: rows.length, disagreements };
  }

  /** The active tokens one issuer made (`npm start` renews its development tokens by revoking them). */
  activeIdsIssuedBy(issuedBy: string): Promise<string[]> {
    return activeTokenIdsIssuedBy(this.db, issuedBy);
  }

  /** Revokes a token (an entry of the ledger); false when there is no such token or it was already revoked. */
  async revoke(id: string, revokedBy: string): Promise<boolean> {
    try {
      await this.writer().commands.run(
        this.aggregate,
        id,
        { kind: 'revoke-token', department: this.department, tokenId: id },
        { actor: revokedBy },
      );
      return true;
    } catch (error) {
      if (
        error instanceof DomainError &&
        (error.code === TokenErrorCode.TOKEN_NOT_FOUND || error.code === TokenErrorCode.TOKEN_REVOKED)
      )
        return false;
      throw error;
    }
  }
}
