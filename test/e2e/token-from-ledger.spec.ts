import { randomBytes, randomUUID } from 'node:crypto';

import { hashToken } from '@registry-bus/kit';
import { databaseNameOf, writerRoleName } from '@registry-bus/ledger';
import { integrationEnvironment, withDatabase } from '@registry-bus/testing';
import pg from 'pg';

import { DepartmentStack } from './department-stack.js';

interface ListedEntry {
  seq: number;
  envelope: { type: string; subject: string; actor: string };
  data: { fields: Record<string, unknown> } | null;
}

/**
 * Issue #27: an operator token is what its entries on the department's own
 * chain say. The dishonest participants: the app's own database login
 * inventing an admin token or un-revoking one; a superuser who switches
 * the trigger off and un-revokes a token behind it.
 */
describe('operator tokens only from the ledger', () => {
  const stack = new DepartmentStack();
  const env = integrationEnvironment();
  let admin: string;
  let superuser: pg.Client;
  let appLogin: pg.Client | undefined;
  let issued: { id: string; token: string; entry: { chain: string; seq: number } };
  let revokedToken: { id: string; token: string };
  let revokedAtSeq: number;

  const rowOf = async (id: string) =>
    (
      await superuser.query(
        'SELECT operator, role, revoked_at IS NOT NULL AS revoked, last_chain, last_seq FROM operator_token WHERE id = $1',
        [id],
      )
    ).rows;
  const entries = async (): Promise<ListedEntry[]> =>
    (await stack.call('land', 'GET', '/v1/ledger/entries?limit=1000', { token: admin })).body.entries as ListedEntry[];
  const issueOverRest = async (operator: string, role: string) => {
    const answer = await stack.call('land', 'POST', '/v1/admin/tokens', {
      token: admin,
      body: { operator, role, validForDays: 1 },
    });
    expect(answer.status).toBe(201);
    return answer.body as unknown as { id: string; token: string; entry: { chain: string; seq: number } };
  };

  beforeAll(async () => {
    await stack.start(['land']);
    admin = await stack.token('land', 'admin', 'admin:tfl');
    const ownerUrl = stack.configOf('land').DATABASE_MIGRATIONS_URL!;
    const database = databaseNameOf(ownerUrl);
    superuser = new pg.Client({ connectionString: withDatabase(env.databaseAdminUrl, database) });
    await superuser.connect();
    const login = await env.createRole('tfl_app');
    await superuser.query(`GRANT "${writerRoleName(database)}" TO "${login.user}"`);
    appLogin = new pg.Client({ connectionString: withDatabase(ownerUrl, database, login) });
    await appLogin.connect();
  });

  afterAll(async () => {
    await appLogin?.end();
    await superuser?.end();
    await stack.stop();
  });

  it('issues a token as a control entry of the chain, with its hash and never its secret', async () => {
    issued = await issueOverRest('clerk:tfl-1', 'clerk');
    const entry = (await entries()).find((listed) => listed.envelope.subject === issued.id)!;
    expect(entry).toEqual({
      seq: issued.entry.seq,
      envelope: expect.objectContaining({
        type: 'gov.land.operator.token-issued.v1',
        subject: issued.id,
        actor: 'admin:tfl',
      }) as unknown as ListedEntry['envelope'],
      data: expect.objectContaining({
        fields: {
          tokenId: issued.id,
          tokenHash: hashToken(issued.token).toString('hex'),
          operator: 'clerk:tfl-1',
          role: 'clerk',
          expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string,
        },
      }) as unknown as ListedEntry['data'],
    });
    expect(JSON.stringify(entry)).not.toContain(issued.token);
    expect(await rowOf(issued.id)).toEqual([
      {
        operator: 'clerk:tfl-1',
        role: 'clerk',
        revoked: false,
        last_chain: 'land',
        last_seq: String(issued.entry.seq),
      },
    ]);
    const used = await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: issued.token });
    expect(used.status).toBe(200);
  });

  it('revokes over REST with an entry: the token stops at once', async () => {
    revokedToken = await issueOverRest('clerk:tfl-2', 'clerk');
    const revoke = await stack.call('land', 'DELETE', `/v1/admin/tokens/${revokedToken.id}`, { token: admin });
    expect(revoke.status).toBe(204);
    const revocation = (await entries()).filter((listed) => listed.envelope.subject === revokedToken.id);
    expect(revocation.map((listed) => [listed.envelope.type, listed.data?.fields])).toEqual([
      ['gov.land.operator.token-issued.v1', expect.objectContaining({ tokenId: revokedToken.id })],
      ['gov.land.operator.token-revoked.v1', { tokenId: revokedToken.id }],
    ]);
    revokedAtSeq = revocation[1]!.seq;
    const refused = await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: revokedToken.token });
    expect(refused).toMatchObject({ status: 401, body: { detail: 'the token was revoked' } });
    const again = await stack.call('land', 'DELETE', `/v1/admin/tokens/${revokedToken.id}`, { token: admin });
    expect(again).toMatchObject({ status: 404, body: { code: 'AUTH.TOKEN_NOT_FOUND' } });
  });

  it('the app’s own login can neither invent an admin token nor un-revoke one, nor remove one', async () => {
    const forgedId = randomUUID();
    const forgedSecret = `rbt_land_${randomBytes(32).toString('base64url')}`;
    await expect(
      appLogin!.query(
        `INSERT INTO operator_token (id, token_hash, operator, role, created_by, expires_at, last_chain, last_seq)
         VALUES ($1, $2, 'admin:forger', 'admin', 'admin:forger', now() + interval '1 day', 'land', $3)`,
        [forgedId, hashToken(forgedSecret), issued.entry.seq],
      ),
    ).rejects.toThrow(
      `operator_token ${forgedId}: INSERT refused, entry ${issued.entry.seq} of chain land was not written by this transaction`,
    );
    await expect(
      appLogin!.query('UPDATE operator_token SET revoked_at = NULL, revoked_by = NULL WHERE id = $1', [
        revokedToken.id,
      ]),
    ).rejects.toThrow(
      `operator_token ${revokedToken.id}: UPDATE refused, entry ${revokedAtSeq} of chain land was not written by this transaction`,
    );
    await expect(appLogin!.query('DELETE FROM operator_token WHERE id = $1', [revokedToken.id])).rejects.toThrow(
      'operator_token: DELETE refused',
    );
    await expect(
      appLogin!.query('ALTER TABLE operator_token DISABLE TRIGGER operator_token_from_ledger'),
    ).rejects.toThrow('must be owner of table operator_token');
    const refused = await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: forgedSecret });
    expect(refused).toMatchObject({ status: 401, body: { detail: 'the token is not known here' } });
    expect(await rowOf(forgedId)).toEqual([]);
    expect((await rowOf(revokedToken.id))[0]).toMatchObject({ revoked: true });
  });

  it('with the trigger switched off by a superuser, an un-revoked token is refused and verify names it', async () => {
    const honest = await stack.call('land', 'GET', '/v1/ledger/verify', { token: admin });
    expect(honest.body).toMatchObject({ ok: true, states: { disagreements: [] } });

    await superuser.query('ALTER TABLE operator_token DISABLE TRIGGER operator_token_from_ledger');
    try {
      await superuser.query('UPDATE operator_token SET revoked_at = NULL, revoked_by = NULL WHERE id = $1', [
        revokedToken.id,
      ]);
    } finally {
      await superuser.query('ALTER TABLE operator_token ENABLE TRIGGER operator_token_from_ledger');
    }

    const reason = `operator token ${revokedToken.id}: the row says active, but its entry at land seq ${revokedAtSeq} revoked it`;
    const refused = await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: revokedToken.token });
    expect(refused).toMatchObject({
      status: 401,
      body: { code: 'AUTH.UNAUTHENTICATED', detail: `the token's record disagrees with the ledger: ${reason}` },
    });
    const verified = await stack.call('land', 'GET', '/v1/ledger/verify', { token: admin });
    expect(verified.body).toMatchObject({
      ok: false,
      reason: `aggregate_state: ${reason}`,
      states: { disagreements: [{ aggregate: 'operator_token', subject: revokedToken.id, reason }] },
    });
    // The honest tokens still work.
    expect((await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: issued.token })).status).toBe(200);
  });

  it('recovery from the topic rebuilds every token from its entries', async () => {
    const head = Number((await superuser.query(`SELECT max(seq) AS seq FROM ledger_entry`)).rows[0].seq);
    await stack.eventually('the relay to publish every entry', async () => {
      const rows = (await superuser.query(`SELECT published_seq FROM relay_cursor WHERE chain = 'land'`)).rows;
      return Number(rows[0]?.published_seq ?? 0) >= head ? true : undefined;
    });
    await appLogin!.end();
    appLogin = undefined;
    await superuser.end();
    await stack.stopOne('land');
    await stack.loseDatabase('land');
    await stack.start(['land'], { LEDGER_RECOVERY: 'from-topic' });
    const ownerUrl = stack.configOf('land').DATABASE_MIGRATIONS_URL!;
    superuser = new pg.Client({ connectionString: withDatabase(env.databaseAdminUrl, databaseNameOf(ownerUrl)) });
    await superuser.connect();

    expect(stack.get('land').runtime.lastRecovery?.projections['operator-token']).toBe(4);
    expect(await rowOf(issued.id)).toEqual([
      {
        operator: 'clerk:tfl-1',
        role: 'clerk',
        revoked: false,
        last_chain: 'land',
        last_seq: String(issued.entry.seq),
      },
    ]);
    // Rebuilt from the ledger, the token the superuser un-revoked is revoked again.
    expect(await rowOf(revokedToken.id)).toEqual([
      { operator: 'clerk:tfl-2', role: 'clerk', revoked: true, last_chain: 'land', last_seq: String(revokedAtSeq) },
    ]);
    expect((await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: issued.token })).status).toBe(200);
    expect((await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: admin })).status).toBe(200);
    const refused = await stack.call('land', 'GET', '/v1/ledger/entries?limit=1', { token: revokedToken.token });
    expect(refused).toMatchObject({ status: 401, body: { detail: 'the token was revoked' } });
  });
});
