import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Ledger, createDataSource } from '@registry-bus/ledger';
import { loadOrCreateFileSigner } from '@registry-bus/protocol';

import { AuditLog } from '../audit/audit-log.js';
import { CommandRunner } from '../commands/command-runner.js';
import type { Role } from './operator-token.js';
import { TokenStore, type IssuedToken } from './token-store.js';

/** Who the tool acts as on the audit record (`cli:<user>`, `npm start`), and under what name. */
export interface ToolIdentity {
  operator: string;
  /** What stands for the route on the record: `npm run token -- issue`, `npm start`. */
  route: (action: 'issue' | 'revoke') => string;
}

/**
 * A tool's token operations: each an entry of the ledger and, like those
 * over REST (/v1/admin/tokens), on the department's audit record, written
 * right after the entry — never a token nobody can find on the record.
 */
export interface ToolTokens {
  issue(input: { operator: string; role: Role; scope?: string | null; validForSeconds: number }): Promise<IssuedToken>;
  /** False when there is no such active token. */
  revoke(id: string): Promise<boolean>;
  /** Revokes every active token this tool's operator issued; the ids revoked. */
  revokeIssuedByMe(): Promise<string[]>;
}

/**
 * A token store for tools outside the app (`npm run token`, `npm start`'s
 * development tokens): a token is an entry of the department's ledger, so
 * issuing one needs its database and its signing key, as the app has them.
 * The entries go to the same chain under the same per-chain lock as the
 * app's own, and the app's relay publishes them. A missing key file is
 * refused rather than made: an entry signed by a fresh key no trust bundle
 * names would be a token no follower could check.
 */
export async function openTokenLedger(options: {
  databaseUrl: string;
  department: string;
  /** The folder of the department's signing-key.json (the app's KEYS_DIR). */
  keysDir: string;
  /** The department's LEDGER_SHARDS. Default 1. */
  shards?: number;
  as: ToolIdentity;
}): Promise<{ tokens: ToolTokens; close(): Promise<void> }> {
  const keyFile = join(options.keysDir, 'signing-key.json');
  if (!existsSync(keyFile))
    throw new Error(
      `${keyFile} does not exist: a token is an entry of ${options.department}'s ledger, signed by its key`,
    );
  const signer = loadOrCreateFileSigner(options.keysDir, options.department);
  const dataSource = createDataSource({
    url: options.databaseUrl,
    poolSize: 2,
    applicationName: 'registry-bus-tokens',
  });
  await dataSource.initialize();
  const ledger = new Ledger({
    dataSource,
    chain: options.department,
    shards: options.shards ?? 1,
    signer,
    trustBundle: () => {
      throw new Error('a token tool verifies no chain');
    },
  });
  const commands = new CommandRunner(ledger, dataSource);
  const tokens = new TokenStore(dataSource, options.department, {
    commands,
    trustBundle: () => {
      throw new Error('a token tool checks no token');
    },
  });
  const audit = new AuditLog(dataSource);
  const { operator, route } = options.as;
  const revoke = async (id: string) => {
    const revoked = await tokens.revoke(id, operator);
    if (revoked)
      await audit.record({
        kind: 'token-revoked',
        operator,
        method: 'CLI',
        route: route('revoke'),
        subject: id,
        status: 0,
      });
    return revoked;
  };
  return {
    tokens: {
      async issue(input) {
        const issued = await tokens.issue({ ...input, issuedBy: operator });
        await audit.record({
          kind: 'token-issued',
          operator,
          method: 'CLI',
          route: route('issue'),
          subject: issued.id,
          status: 0,
          detail: `${issued.operator} as ${issued.role}${issued.scope ? ` for ${issued.scope}` : ''} until ${issued.expiresAt.toISOString()}`,
        });
        return issued;
      },
      revoke,
      async revokeIssuedByMe() {
        const ids = await tokens.activeIdsIssuedBy(operator);
        // Together, so that group commit records the revocations in one transaction.
        const revoked = await Promise.all(ids.map(async (id) => ((await revoke(id)) ? id : undefined)));
        return revoked.filter((id): id is string => id !== undefined);
      },
    },
    close: async () => {
      await ledger.close();
      await dataSource.destroy();
    },
  };
}
