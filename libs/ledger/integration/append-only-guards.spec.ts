import { integrationEnvironment, withDatabase } from '@registry-bus/testing';

import { databaseNameOf, ledgerMigrations, runMigrations, writerRoleName } from '@registry-bus/ledger';

import { ownerQuery } from './ledger-fixture.js';

const env = integrationEnvironment();

const query = ownerQuery;

const entryRow = `INSERT INTO ledger_entry (chain, seq, id, type, subject, time, hash, envelope, sig, keyid)
  VALUES ('land', 1, gen_random_uuid(), 'gov.land.parcel.registered.v1', 'p-1', now(), sha256('x'), 'x', 's', 'land-1')`;

describe('append-only ledger tables', () => {
  let ownerUrl: string;
  let writerUrl: string;

  beforeAll(async () => {
    ownerUrl = await env.createDatabase('guards');
    expect(await runMigrations(ownerUrl, ledgerMigrations)).toHaveLength(ledgerMigrations.length);
    const login = await env.createRole('guards_app');
    await query(ownerUrl, `GRANT "${writerRoleName(databaseNameOf(ownerUrl))}" TO "${login.user}"`);
    writerUrl = withDatabase(ownerUrl, databaseNameOf(ownerUrl), login);
    await query(ownerUrl, entryRow);
    await query(ownerUrl, `INSERT INTO merkle_node (chain, level, idx, hash) VALUES ('land', 0, 0, sha256('x'))`);
  });

  it.each([
    ['UPDATE', `UPDATE ledger_entry SET subject = 'p-2'`],
    ['DELETE', `DELETE FROM ledger_entry`],
    ['TRUNCATE', `TRUNCATE ledger_entry CASCADE`],
    ['UPDATE', `UPDATE merkle_node SET hash = sha256('y')`],
    ['DELETE', `DELETE FROM merkle_node`],
    ['TRUNCATE', `TRUNCATE merkle_node`],
  ])('refuses %s even for the owner: %s', async (operation, sql) => {
    await expect(query(ownerUrl, sql)).rejects.toThrow(new RegExp(`append-only: ${operation} refused`));
    const { rows } = await query(
      ownerUrl,
      'SELECT (SELECT count(*) FROM ledger_entry) AS entries, (SELECT count(*) FROM merkle_node) AS nodes',
    );
    expect(rows[0]).toEqual({ entries: '1', nodes: '1' });
  });

  it('lets the writer role insert and read entries', async () => {
    await query(writerUrl, entryRow.replace("'land', 1", "'land', 2"));
    const { rows } = await query(writerUrl, `SELECT seq FROM ledger_entry WHERE chain = 'land' ORDER BY seq`);
    expect(rows.map((row) => row.seq)).toEqual(['1', '2']);
  });

  it.each([
    [`UPDATE ledger_entry SET subject = 'p-2'`],
    [`DELETE FROM ledger_entry`],
    [`TRUNCATE ledger_entry`],
    [`DROP TABLE ledger_entry CASCADE`],
    [`ALTER TABLE ledger_entry DISABLE TRIGGER USER`],
  ])('denies the writer role, which lacks the privilege: %s', async (sql) => {
    await expect(query(writerUrl, sql)).rejects.toThrow(/permission denied|must be owner/);
  });

  it('a superuser who disables the triggers can edit: the guard is not the last line', async () => {
    await query(ownerUrl, 'ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_refuse_update_delete');
    await query(ownerUrl, `UPDATE ledger_entry SET subject = 'forged' WHERE seq = 1`);
    await query(ownerUrl, 'ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_refuse_update_delete');
    const { rows } = await query(ownerUrl, `SELECT subject FROM ledger_entry WHERE seq = 1`);
    expect(rows[0].subject).toBe('forged');
  });
});
