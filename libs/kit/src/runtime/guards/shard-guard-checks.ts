import { ledgerHasEntries, writtenChains } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

import { shardsMatchWrittenChains } from './shard-guards.js';
import { enforce } from './start-up-verdict.js';

/** The start-up guard over the database: the chains written must be among the configured shards. */
export async function checkWrittenChains(
  dataSource: DataSource,
  ledger: { department: string; chains: readonly string[] },
): Promise<void> {
  const { department, chains } = ledger;
  const written = await writtenChains(dataSource);
  enforce(shardsMatchWrittenChains({ department, shards: chains.length, chains, written }));
}

/** Whether the ledger holds entries (the topic guard asks only when the topic has fewer partitions than shards). */
export const hasEntries = (dataSource: DataSource) => () => ledgerHasEntries(dataSource);
