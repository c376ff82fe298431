import { databaseNameOf, writerRoleName } from '@registry-bus/ledger';
import { integrationEnvironment, withDatabase } from '@registry-bus/testing';
import pg from 'pg';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

/**
 * Issue #27: the state a decider reads (aggregate_state) is written only in
 * the transaction that inserts the ledger entry it stands at. The dishonest
 * participants: a superuser and the app's own database login rewriting a
 * parcel's state or inventing one; a superuser who switches the trigger off.
 */
describe('aggregate states only from the ledger', () => {
  const stack = new DepartmentStack();
  const env = integrationEnvironment();
  let clerk: string;
  let auditor: string;
  let superuser: pg.Client;
  let appLogin: pg.Client;

  const moveOwner = `UPDATE aggregate_state SET state = jsonb_set(state, '{owners,0,ownerId}', '"person:forger"')
    WHERE aggregate = 'parcel' AND subject = 'SFL-1'`;
  const invent = `INSERT INTO aggregate_state (aggregate, subject, state, last_chain, last_seq)
    VALUES ('parcel', 'SFL-FORGED', '{"status":"registered"}', 'land', 3)`;
  const stateOf = async (subject: string) =>
    (await superuser.query(`SELECT state, last_chain, last_seq FROM aggregate_state WHERE subject = $1`, [subject]))
      .rows;

  beforeAll(async () => {
    await stack.start(['land']);
    // Each token is an entry of the chain (issue #27): the parcel registered after them is entry 3.
    clerk = await stack.token('land', 'clerk', 'clerk:sfl');
    auditor = await stack.token('land', 'auditor', 'auditor:sfl');
    const registered = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: surveyedParcel('SFL-1', 'S-SFL-1'),
    });
    expect(registered.status).toBe(201);
    const ownerUrl = stack.configOf('land').DATABASE_MIGRATIONS_URL!;
    const database = databaseNameOf(ownerUrl);
    superuser = new pg.Client({ connectionString: withDatabase(env.databaseAdminUrl, database) });
    await superuser.connect();
    const login = await env.createRole('sfl_app');
    await superuser.query(`GRANT "${writerRoleName(database)}" TO "${login.user}"`);
    appLogin = new pg.Client({ connectionString: withDatabase(ownerUrl, database, login) });
    await appLogin.connect();
  });

  afterAll(async () => {
    await appLogin?.end();
    await superuser?.end();
    await stack.stop();
  });

  it('the trigger refuses a superuser’s rewrite and an invented state, and nothing changes', async () => {
    const before = await stateOf('SFL-1');
    expect((await superuser.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows).toEqual([
      { rolsuper: true },
    ]);
    await expect(superuser.query(moveOwner)).rejects.toThrow(
      'aggregate_state parcel/SFL-1: UPDATE refused, entry 3 of chain land was not written by this transaction',
    );
    await expect(superuser.query(invent)).rejects.toThrow(
      'aggregate_state parcel/SFL-FORGED: INSERT refused, entry 3 of chain land was not written by this transaction',
    );
    await expect(superuser.query(`DELETE FROM aggregate_state WHERE subject = 'SFL-1'`)).rejects.toThrow(
      'aggregate_state: DELETE refused',
    );
    expect(await stateOf('SFL-1')).toEqual(before);
    expect(await stateOf('SFL-FORGED')).toEqual([]);
  });

  it('the app’s own login is refused the same, inside a savepoint too, and cannot switch the trigger off', async () => {
    await expect(appLogin.query(moveOwner)).rejects.toThrow(
      'aggregate_state parcel/SFL-1: UPDATE refused, entry 3 of chain land was not written by this transaction',
    );
    await appLogin.query('BEGIN');
    await appLogin.query('SAVEPOINT forge');
    await appLogin.query(invent);
    await appLogin.query('RELEASE SAVEPOINT forge');
    await expect(appLogin.query('COMMIT')).rejects.toThrow(
      'aggregate_state parcel/SFL-FORGED: INSERT refused, entry 3 of chain land was not written by this transaction',
    );
    await expect(
      appLogin.query('ALTER TABLE aggregate_state DISABLE TRIGGER aggregate_state_from_ledger'),
    ).rejects.toThrow('must be owner of table aggregate_state');
    expect(await stateOf('SFL-FORGED')).toEqual([]);
  });

  it('with the trigger switched off by a superuser, verify names the forged state and the register refuses it', async () => {
    const honest = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
    // Checked: the parcel's state, the two tokens' states and their two operator_token rows (issue #27).
    expect(honest.body).toMatchObject({ ok: true, states: { checked: 5, disagreements: [] } });

    await superuser.query('ALTER TABLE aggregate_state DISABLE TRIGGER aggregate_state_from_ledger');
    try {
      await superuser.query(moveOwner);
    } finally {
      await superuser.query('ALTER TABLE aggregate_state ENABLE TRIGGER aggregate_state_from_ledger');
    }

    const verified = await stack.call('land', 'GET', '/v1/ledger/verify', { token: auditor });
    const reason = 'the state of parcel SFL-1 at land seq 3 is not what its entries give (owners differ)';
    expect(verified.body).toMatchObject({
      ok: false,
      reason: `aggregate_state: ${reason}`,
      checked: 3,
      states: { checked: 5, disagreements: [{ aggregate: 'parcel', subject: 'SFL-1', reason }] },
    });

    const read = await stack.call('land', 'GET', '/v1/parcels/SFL-1', { token: auditor });
    expect(read).toMatchObject({ status: 409, body: { code: 'STATE.DISAGREES_WITH_LEDGER' } });
    const transfer = await stack.call('land', 'POST', '/v1/parcels/SFL-1/transfers', {
      token: clerk,
      body: {
        from: 'person:forger',
        to: [{ ownerId: 'person:buyer', share: '1' }],
        share: '1',
        basis: { documentType: 'contract-of-sale', reference: 'SC-1' },
      },
    });
    expect(transfer).toMatchObject({ status: 409, body: { code: 'STATE.DISAGREES_WITH_LEDGER' } });
    expect((await superuser.query(`SELECT count(*)::int AS n FROM ledger_entry`)).rows).toEqual([{ n: 3 }]);
  });
});
