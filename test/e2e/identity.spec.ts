import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { DEV_ACR_MFA, DevIdentityProvider, devUsers, ensureDevCa } from '@registry-bus/testing';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';

import { DepartmentStack, surveyedParcel, type Answer } from './department-stack.js';

const LAND = 'urn:registry-bus:land';
const CREDIT = 'urn:registry-bus:credit';

/**
 * Operators signed in by an OpenID provider (issue #26), against a real one
 * (oidc-provider on this machine, over HTTPS with the stack's CA): tokens
 * come from the authorization code flow with PKCE and a resource indicator;
 * the bad tokens are crafted, each failing one check. And the audit.
 */
describe('operators signed in by the OpenID provider', () => {
  const stack = new DepartmentStack();
  let provider: DevIdentityProvider;
  let clerk: string;
  let auditor: string;

  const head = async () => ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;
  const auditRows = (kind: string) =>
    stack
      .get('land')
      .runtime.dataSource.query(
        'SELECT operator, role, method, route, subject, fields, status, code FROM operator_audit WHERE kind = $1 ORDER BY id',
        [kind],
      ) as Promise<Array<Record<string, unknown>>>;
  const expectProblem = (answer: Answer, status: number, code: string) => {
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code });
    expect(answer.status).toBe(status);
  };

  beforeAll(async () => {
    const certificate = ensureDevCa(join(stack.local, 'ca')).issue('identity-provider');
    provider = await DevIdentityProvider.start({
      users: devUsers(['land', 'credit']),
      audiences: [LAND, CREDIT],
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
    });
    await stack.start(['land'], {
      OIDC_ISSUER: provider.issuer,
      OIDC_ISSUER_ALIAS: 'dev-id',
      OIDC_AUDIENCE: LAND,
      OIDC_MFA_ACR: DEV_ACR_MFA,
    });
    clerk = (await provider.signIn('dev-land-clerk', LAND, { mfa: true })).accessToken;
    auditor = (await provider.signIn('dev-land-auditor', LAND, { mfa: false })).accessToken;
  });

  afterAll(async () => {
    await stack.stop();
    await provider?.stop();
  });

  it('issues RFC 9068 access tokens of at most 10 minutes for the register asked for', () => {
    const claims = decodeJwt(clerk);
    expect(decodeProtectedHeader(clerk)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: LAND,
      sub: 'dev-land-clerk',
      client_id: 'registry-bus-operator-console',
      department: 'land',
      roles: ['clerk'],
      acr: DEV_ACR_MFA,
    });
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it("records a signed-in clerk's command with the pseudonymous actor oidc:<alias>:<sub>", async () => {
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      token: clerk,
      body: surveyedParcel('OIDC-1', 'S-1'),
    });
    expect(answer.status).toBe(201);
    const [entry] = answer.body.entries as Array<{ seq: number }>;
    const stored = await stack.call('land', 'GET', `/v1/ledger/entries/${entry!.seq}`, { token: auditor });
    expect(stored.status).toBe(200);
    expect((stored.body.envelope as { actor: string }).actor).toBe('oidc:dev-id:dev-land-clerk');
  });

  it('still takes an opaque token (service accounts, break-glass admin)', async () => {
    const opaque = await stack.token('land', 'clerk', 'service:survey-import');
    const answer = await stack.call('land', 'POST', '/v1/parcels', {
      token: opaque,
      body: surveyedParcel('OIDC-2', 'S-2'),
    });
    expect(answer.status).toBe(201);
  });

  describe('refuses, changing nothing', () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** The clerk's real claims with some changed: signed by the provider's own key, so only that change is wrong. */
    const altered = (changes: JWTPayload, header: Record<string, unknown> = {}) => {
      const claims: Record<string, unknown> = { ...decodeJwt(clerk), ...changes };
      for (const [name, value] of Object.entries(changes)) if (value === undefined) delete claims[name];
      return provider.signAsProvider(claims, header);
    };
    const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const cases: Array<[string, () => Promise<string>, number, string]> = [
      ['an expired token', () => altered({ iat: now() - 900, exp: now() - 120 }), 401, 'AUTH.UNAUTHENTICATED'],
      [
        "a token for another register (a real one, the provider's answer for credit)",
        async () => (await provider.signIn('dev-land-clerk', CREDIT, { mfa: true })).accessToken,
        401,
        'AUTH.UNAUTHENTICATED',
      ],
      ['a token of another issuer', () => altered({ iss: 'https://127.0.0.1:1' }), 401, 'AUTH.UNAUTHENTICATED'],
      [
        'a token under a key the provider does not publish',
        () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return new SignJWT(decodeJwt(clerk))
            .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'not-published' })
            .sign(privateKey);
        },
        401,
        'AUTH.UNAUTHENTICATED',
      ],
      [
        'alg none',
        () => Promise.resolve(`${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(decodeJwt(clerk))}.`),
        401,
        'AUTH.UNAUTHENTICATED',
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> };
          const header = base64url({ alg: 'HS256', typ: 'at+jwt', kid: jwks.keys[0]!.kid });
          const payload = base64url(decodeJwt(clerk));
          const mac = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(`${header}.${payload}`);
          return `${header}.${payload}.${mac.digest('base64url')}`;
        },
        401,
        'AUTH.UNAUTHENTICATED',
      ],
      [
        "an ID token (the provider's own, from the same sign-in)",
        async () => (await provider.signIn('dev-land-clerk', LAND, { mfa: true })).idToken,
        401,
        'AUTH.UNAUTHENTICATED',
      ],
      ['a token without the role claim', () => altered({ roles: undefined }), 403, 'AUTH.FORBIDDEN'],
      [
        'a write signed in without a second factor',
        async () => (await provider.signIn('dev-land-clerk', LAND, { mfa: false })).accessToken,
        403,
        'AUTH.MFA_REQUIRED',
      ],
    ];

    /** Each bad token fails the one check it was made to fail, said in the answer. */
    const because: Record<string, string> = {
      'an expired token': 'the token has expired; sign in again',
      "a token for another register (a real one, the provider's answer for credit)":
        'the token is not meant for urn:registry-bus:land (aud)',
      'a token of another issuer': `the token was not issued by ${'https://127.0.0.1:'}`,
      'a token under a key the provider does not publish': "the token's key is not one of the provider's",
      'alg none': "the token's algorithm is not accepted (only RS256, PS256, ES256, EdDSA)",
      'HS256 signed with the public key': "the token's algorithm is not accepted (only RS256, PS256, ES256, EdDSA)",
      "an ID token (the provider's own, from the same sign-in)":
        "the token's typ is not at+jwt: only access tokens are accepted, never ID tokens",
      'a token without the role claim': "the token names no role (claim 'roles')",
      'a write signed in without a second factor':
        'this needs a multi-factor sign-in (acr/amr); sign in again with a second factor',
    };

    it.each(cases)('%s', async (name, token, status, code) => {
      const before = await head();
      const answer = await stack.call('land', 'POST', '/v1/parcels', {
        token: await token(),
        body: surveyedParcel('OIDC-REFUSED', 'S-9'),
      });
      expectProblem(answer, status, code);
      expect(String(answer.body.detail)).toContain(because[name]);
      if (status === 401) expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(await head()).toBe(before);
    });

    it('puts the 403s on the audit record with the pseudonymous actor, the 401s only in the metric', async () => {
      const refused = await auditRows('refused');
      expect(refused).toEqual(
        expect.arrayContaining([
          {
            operator: 'oidc:dev-id:dev-land-clerk',
            role: 'clerk',
            method: 'POST',
            route: '/v1/parcels',
            subject: null,
            fields: [],
            status: 403,
            code: 'AUTH.MFA_REQUIRED',
          },
        ]),
      );
      expect(refused.filter((row) => row.code === 'AUTH.UNAUTHENTICATED')).toEqual([]);
      const metrics = await stack.call('land', 'GET', '/metrics', { token: auditor });
      const text = typeof metrics.body.text === 'string' ? metrics.body.text : '';
      expect(text).toMatch(/registry_bus_http_unauthenticated_total\{reason="jwt-expired",department="land"\} 1/);
      expect(text).toMatch(/registry_bus_http_unauthenticated_total\{reason="jwt-algorithm",department="land"\} 2/);
    });
  });

  it("puts an auditor's read of a parcel's owners on the read audit, which auditors alone may read", async () => {
    const read = await stack.call('land', 'GET', '/v1/parcels/OIDC-1', { token: auditor });
    expect(read.status).toBe(200);
    const audit = await stack.call('land', 'GET', '/v1/audit/reads?subject=OIDC-1', { token: auditor });
    expect(audit.status).toBe(200);
    const reads = (audit.body.reads as Array<Record<string, unknown>>).map(
      ({ operator, role, method, route, fields }) => ({
        operator,
        role,
        method,
        route,
        fields,
      }),
    );
    expect(reads).toEqual([
      {
        operator: 'oidc:dev-id:dev-land-auditor',
        role: 'auditor',
        method: 'GET',
        route: '/v1/ledger/entries/:seq',
        fields: ['owners'],
      },
      {
        operator: 'oidc:dev-id:dev-land-auditor',
        role: 'auditor',
        method: 'GET',
        route: '/v1/parcels/:cadastralNumber',
        fields: ['owners'],
      },
    ]);
    const byClerk = await stack.call('land', 'GET', '/v1/audit/reads?subject=OIDC-1', { token: clerk });
    expectProblem(byClerk, 403, 'AUTH.FORBIDDEN');
  });

  it("puts a handler's 403 on the record too, and keeps the audit from auditors scoped to one owner", async () => {
    const scoped = await stack.token('land', 'auditor', 'auditor:bank-alpha', 'bank:alpha');
    expectProblem(await stack.call('land', 'GET', '/v1/ledger/export', { token: scoped }), 403, 'AUTH.OUT_OF_SCOPE');
    expectProblem(
      await stack.call('land', 'GET', '/v1/audit/reads?subject=OIDC-1', { token: scoped }),
      403,
      'AUTH.OUT_OF_SCOPE',
    );
    expect((await auditRows('refused')).filter((row) => row.operator === 'auditor:bank-alpha')).toEqual([
      expect.objectContaining({ route: '/v1/ledger/export', status: 403, code: 'AUTH.OUT_OF_SCOPE' }),
      expect.objectContaining({ route: '/v1/audit/reads', status: 403, code: 'AUTH.OUT_OF_SCOPE' }),
    ]);
  });

  it('records token issue and revocation, and refuses an opaque operator named like a signed-in one', async () => {
    const admin = await stack.token('land', 'admin', 'admin:break-glass');
    const impostor = await stack.call('land', 'POST', '/v1/admin/tokens', {
      token: admin,
      body: { operator: 'oidc:dev-id:dev-land-clerk', role: 'clerk' },
    });
    expectProblem(impostor, 400, 'REQUEST.INVALID');
    const issued = await stack.call('land', 'POST', '/v1/admin/tokens', {
      token: admin,
      body: { operator: 'service:nightly', role: 'auditor', validForDays: 1 },
    });
    expect(issued.status).toBe(201);
    const id = issued.body.id as string;
    expect((await stack.call('land', 'DELETE', `/v1/admin/tokens/${id}`, { token: admin })).status).toBe(204);
    const row = (kind: string, status: number) => ({
      operator: 'admin:break-glass',
      role: 'admin',
      method: kind === 'token-issued' ? 'POST' : 'DELETE',
      route: kind === 'token-issued' ? '/v1/admin/tokens' : '/v1/admin/tokens/:id',
      subject: id,
      fields: [],
      status,
      code: null,
    });
    expect((await auditRows('token-issued')).filter((record) => record.subject === id)).toEqual([
      row('token-issued', 201),
    ]);
    expect(await auditRows('token-revoked')).toEqual([row('token-revoked', 204)]);
  });

  it('records a token issued with npm run token, and refuses an oidc: operator there too', async () => {
    const run = (operator: string) =>
      promisify(execFile)(
        process.execPath,
        [
          '--import',
          './scripts/ts-loader/register.js',
          'scripts/token.ts',
          'issue',
          '--department',
          'land',
          '--role',
          'auditor',
          '--operator',
          operator,
        ],
        {
          env: {
            PATH: process.env.PATH,
            USER: 'ops',
            DATABASE_URL: stack.configOf('land').DATABASE_URL,
            // A token is a signed entry of the department's ledger (issue #27): the tool signs with the app's key.
            KEYS_DIR: stack.configOf('land').KEYS_DIR,
          },
          timeout: 60_000,
        },
      );
    await expect(run('oidc:dev-id:dev-land-auditor')).rejects.toMatchObject({ code: 64 });
    const { stdout } = await run('service:backup-check');
    const id = (JSON.parse(stdout.slice(0, stdout.indexOf('\n(the token'))) as { id: string }).id;
    expect((await auditRows('token-issued')).filter((row) => row.subject === id)).toEqual([
      {
        operator: 'cli:ops',
        role: null,
        method: 'CLI',
        route: 'npm run token -- issue',
        subject: id,
        fields: [],
        status: 0,
        code: null,
      },
    ]);
  });

  it('keeps the audit append-only: the app cannot change or remove a record', async () => {
    const dataSource = stack.get('land').runtime.dataSource;
    await expect(dataSource.query(`UPDATE operator_audit SET operator = 'someone-else'`)).rejects.toThrow();
    await expect(dataSource.query('DELETE FROM operator_audit')).rejects.toThrow();
    await expect(dataSource.query('TRUNCATE operator_audit')).rejects.toThrow();
    expect((await auditRows('token-issued')).length).toBe(2);
  });
});
