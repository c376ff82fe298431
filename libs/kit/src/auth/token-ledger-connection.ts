import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Ledger, createDataSource } from '@registry-bus/ledger';
import { loadOrCreateFileSigner } from '@registry-bus/protocol';

import { CommandRunner } from '../commands/command-runner.js';
import { TokenStore } from './token-store.js';

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
}): Promise<{ tokens: TokenStore; close(): Promise<void> }> {
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
  return {
    tokens,
    close: async () => {
      await ledger.close();
      await dataSource.destroy();
    },
  };
}
