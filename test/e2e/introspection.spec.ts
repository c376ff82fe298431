import { join } from 'node:path';

import { DEV_ACR_MFA, DevIdentityProvider, devUsers, ensureDevCa } from '@registry-bus/testing';

import { DepartmentStack, surveyedParcel, type Answer } from './department-stack.js';

const LAND = 'urn:registry-bus:land';
const CREDIT = 'urn:registry-bus:credit';
const CLIENT = { clientId: 'land-registry', clientSecret: 'dev-secret-of-the-land-registry' };

/**
 * A provider that issues opaque access tokens (issue #26): the register asks
 * its RFC 7662 introspection endpoint about each, as its own confidential
 * client — against a real one (oidc-provider on this machine, over HTTPS
 * with the stack's CA), whose tokens come from code + PKCE.
 */
describe('opaque access tokens, introspected at the OpenID provider', () => {
  const stack = new DepartmentStack();
  let provider: DevIdentityProvider;

  const signIn = async (sub: string, resource = LAND, mfa = true) =>
    (await provider.signIn(sub, resource, { mfa })).accessToken;
  const head = async () => ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;
  const expectProblem = (answer: Answer, status: number, code: string, detail: string) => {
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code, detail });
    expect(answer.status).toBe(status);
  };
  let seq = 0;
  const write = (token: string) =>
    stack.call('land', 'POST', '/v1/parcels', { token, body: surveyedParcel(`OPAQUE-${++seq}`, `S-${seq}`) });

  beforeAll(async () => {
    const certificate = ensureDevCa(join(stack.local, 'ca')).issue('identity-provider');
    provider = await DevIdentityProvider.start({
      users: devUsers(['land']),
      audiences: [LAND, CREDIT],
      opaqueAudiences: [LAND, CREDIT],
      introspectionClients: [CLIENT],
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
    });
    await stack.start(['land'], {
      OIDC_ISSUER: provider.issuer,
      OIDC_ISSUER_ALIAS: 'dev-id',
      OIDC_AUDIENCE: LAND,
      OIDC_MFA_ACR: DEV_ACR_MFA,
      OIDC_INTROSPECTION_URL: provider.introspectionUrl,
      OIDC_INTROSPECTION_CLIENT_ID: CLIENT.clientId,
      OIDC_INTROSPECTION_CLIENT_SECRET: CLIENT.clientSecret,
    });
  });

  afterAll(async () => {
    await stack.stop();
    await provider?.stop();
  });

  it('issues an opaque token (no JWT) for the register, which the provider vouches for to the register alone', async () => {
    const token = await signIn('dev-land-clerk');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ask = (authorization?: string) =>
      fetch(provider.introspectionUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(authorization ? { authorization } : {}),
        },
        body: new URLSearchParams({
          token,
          ...(authorization ? {} : { client_id: 'registry-bus-operator-console' }),
        }).toString(),
      });
    const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
    expect(await (await ask(basic)).json()).toMatchObject({
      active: true,
      iss: provider.issuer,
      aud: LAND,
      sub: 'dev-land-clerk',
      token_type: 'Bearer',
      department: 'land',
      roles: ['clerk'],
      acr: DEV_ACR_MFA,
    });
    // The public console may not ask: only the registers' confidential clients learn a token's claims.
    expect(await (await ask()).json()).toEqual({ active: false });
  });

  it("records a signed-in clerk's command with the pseudonymous actor, as for a JWT", async () => {
    const clerk = await signIn('dev-land-clerk');
    const answer = await write(clerk);
    expect(answer.status).toBe(201);
    const [entry] = answer.body.entries as Array<{ seq: number }>;
    const auditor = await signIn('dev-land-auditor', LAND, false);
    const stored = await stack.call('land', 'GET', `/v1/ledger/entries/${entry!.seq}`, { token: auditor });
    expect(stored.status).toBe(200);
    expect((stored.body.envelope as { actor: string }).actor).toBe('oidc:dev-id:dev-land-clerk');
  });

  it('still takes an opaque Registry Bus token (service accounts, break-glass admin) from its own store', async () => {
    expect((await write(await stack.token('land', 'clerk', 'service:survey-import'))).status).toBe(201);
  });

  describe('refuses, changing nothing', () => {
    it.each<[string, () => Promise<string>, number, string, string]>([
      [
        'a revoked token (RFC 7009, at the provider)',
        async () => {
          const token = await signIn('dev-land-clerk');
          await provider.revoke(token);
          return token;
        },
        401,
        'AUTH.UNAUTHENTICATED',
        'the provider says the token is not active (expired, revoked or never issued); sign in again',
      ],
      [
        'a token the provider never issued',
        () => Promise.resolve('A'.repeat(43)),
        401,
        'AUTH.UNAUTHENTICATED',
        'the provider says the token is not active (expired, revoked or never issued); sign in again',
      ],
      [
        "a token for another register (the provider's real answer for credit)",
        () => signIn('dev-land-clerk', CREDIT),
        401,
        'AUTH.UNAUTHENTICATED',
        'the token is not meant for urn:registry-bus:land (aud)',
      ],
      [
        'a write signed in without a second factor',
        () => signIn('dev-land-clerk', LAND, false),
        403,
        'AUTH.MFA_REQUIRED',
        'this needs a multi-factor sign-in (acr/amr); sign in again with a second factor',
      ],
    ])('%s', async (_name, token, status, code, detail) => {
      const before = await head();
      const answer = await write(await token());
      expectProblem(answer, status, code, detail);
      if (status === 401) expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(await head()).toBe(before);
    });

    it('counts the 401s in the metric by reason', async () => {
      const auditor = await signIn('dev-land-auditor', LAND, false);
      const metrics = await stack.call('land', 'GET', '/metrics', { token: auditor });
      const text = typeof metrics.body.text === 'string' ? metrics.body.text : '';
      expect(text).toMatch(/registry_bus_http_unauthenticated_total\{reason="jwt-inactive",department="land"\} 2/);
      expect(text).toMatch(/registry_bus_http_unauthenticated_total\{reason="jwt-audience",department="land"\} 1/);
    });
  });

  it('keeps a good answer for at most a minute: a token used once works while the provider is away, a new one is a 503', async () => {
    const known = await signIn('dev-land-clerk');
    const fresh = await signIn('dev-land-clerk');
    expect((await write(known)).status).toBe(201);
    await provider.stop();

    expect((await write(known)).status).toBe(201);
    const before = await head();
    const answer = await write(fresh);
    expectProblem(
      answer,
      503,
      'AUTH.PROVIDER_UNAVAILABLE',
      'the identity provider cannot be reached (its signing keys or its introspection endpoint); retry shortly',
    );
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(await head()).toBe(before);
  });
});
