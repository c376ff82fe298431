import { consumerMigrations } from '@registry-bus/bus';
import {
  createDataSource,
  databaseNameOf,
  ledgerMigrations,
  runMigrations,
  writerRoleName,
} from '@registry-bus/ledger';
import { integrationEnvironment, withDatabase } from '@registry-bus/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A throw-away department database, migrated by its owner, and a DataSource
 * that logs in as a member of the writer role (INSERT and SELECT only on the
 * ledger), as the apps do.
 */
export async function departmentDatabase(
  name: string,
  poolSize = 10,
): Promise<{ ownerUrl: string; writer: DataSource }> {
  const env = integrationEnvironment();
  const ownerUrl = await env.createDatabase(name);
  await runMigrations(ownerUrl, [...ledgerMigrations, ...consumerMigrations]);
  const login = await env.createRole(`${name}_app`);
  await ownerQuery(ownerUrl, `GRANT "${writerRoleName(databaseNameOf(ownerUrl))}" TO "${login.user}"`);
  const writer = createDataSource({ url: withDatabase(ownerUrl, databaseNameOf(ownerUrl), login), poolSize });
  await writer.initialize();
  return { ownerUrl, writer };
}

export async function ownerQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
