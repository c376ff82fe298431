import { createHmac } from 'node:crypto';

import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

import { KeySourceUnavailable, verifyAccessToken, type AccessTokenExpectations } from './access-token.js';

const ISSUER = 'https://id.gov.test';
const AUDIENCE = 'https://land.registry.test';
const NOW = new Date('2026-12-04T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

const expected: AccessTokenExpectations = {
  issuer: ISSUER,
  audience: AUDIENCE,
  typ: 'at+jwt',
  algorithms: ['RS256', 'ES256'],
  clockSkewSeconds: 30,
  currentDate: NOW,
};

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  sub: 'u-1234',
  aud: AUDIENCE,
  client_id: 'operator-console',
  jti: 'jti-1',
  iat: seconds(NOW) - 10,
  exp: seconds(NOW) + 290,
  ...overrides,
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyAccessToken (RFC 9068 §4)', () => {
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let otherKey: CryptoKey;
  let keys: ReturnType<typeof createLocalJWKSet>;

  const sign = (payload: JWTPayload, header: Record<string, unknown> = {}, key: CryptoKey = privateKey) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1', ...header }).sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    otherKey = (await generateKeyPair('RS256')).privateKey;
    keys = createLocalJWKSet({ keys: [publicJwk] });
  });

  it('accepts an access token of the issuer for this audience and returns its claims', async () => {
    const sut = await verifyAccessToken(await sign(claims()), keys, expected);
    expect(sut).toEqual({ ok: true, claims: claims() });
  });

  it('accepts an audience list that contains ours, and typ application/at+jwt (RFC 9068 §2.1)', async () => {
    const token = await sign(claims({ aud: ['https://other.test', AUDIENCE] }), { typ: 'application/at+jwt' });
    expect((await verifyAccessToken(token, keys, expected)).ok).toBe(true);
  });

  it('tolerates an exp less than the configured skew ago, and no more', async () => {
    const justExpired = await sign(claims({ exp: seconds(NOW) - 29 }));
    expect((await verifyAccessToken(justExpired, keys, expected)).ok).toBe(true);
    const expired = await sign(claims({ exp: seconds(NOW) - 30 }));
    expect(await verifyAccessToken(expired, keys, expected)).toEqual({
      ok: false,
      refusal: 'expired',
      detail: 'the token has expired; sign in again',
    });
  });

  it.each([
    ['another issuer', { iss: 'https://id.gov.test/' }, 'issuer'],
    ['another audience', { aud: 'operator-console' }, 'audience'],
    ['a token issued in the future', { iat: seconds(NOW) + 120 }, 'not-yet-valid'],
    ['a token valid only later', { nbf: seconds(NOW) + 120 }, 'not-yet-valid'],
    ['no client_id', { client_id: undefined }, 'claims'],
    ['no jti', { jti: undefined }, 'claims'],
    ['an ID token claim (nonce)', { nonce: 'n-1' }, 'id-token'],
    ['an ID token claim (at_hash)', { at_hash: 'abc' }, 'id-token'],
    ['a sub with a space', { sub: 'anna smith' }, 'claims'],
  ])('refuses %s', async (_name, overrides, refusal) => {
    const sut = await verifyAccessToken(await sign(claims(overrides as JWTPayload)), keys, expected);
    expect(sut).toMatchObject({ ok: false, refusal });
  });

  it('refuses an ID token by its typ', async () => {
    const idToken = await sign(claims({ aud: 'operator-console', nonce: 'n' }), { typ: 'JWT' });
    expect(await verifyAccessToken(idToken, keys, { ...expected, audience: 'operator-console' })).toEqual({
      ok: false,
      refusal: 'typ',
      detail: "the token's typ is not at+jwt: only access tokens are accepted, never ID tokens",
    });
  });

  it('refuses an ID token even where access tokens are typed JWT, by its claims', async () => {
    const idToken = await sign(claims({ nonce: 'n' }), { typ: 'JWT' });
    expect(await verifyAccessToken(idToken, keys, { ...expected, typ: 'JWT' })).toMatchObject({
      ok: false,
      refusal: 'id-token',
    });
  });

  it('refuses a key the provider does not publish', async () => {
    const token = await sign(claims(), { kid: 'k-unknown' }, otherKey);
    expect(await verifyAccessToken(token, keys, expected)).toMatchObject({ ok: false, refusal: 'unknown-key' });
  });

  it("refuses another key's signature under the provider's kid", async () => {
    const token = await sign(claims(), {}, otherKey);
    expect(await verifyAccessToken(token, keys, expected)).toMatchObject({ ok: false, refusal: 'signature' });
  });

  it('refuses alg none', async () => {
    const token = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(claims())}.`;
    expect(await verifyAccessToken(token, keys, expected)).toMatchObject({ ok: false, refusal: 'algorithm' });
  });

  it('refuses HS256 signed with the public key (the key-confusion attack)', async () => {
    const header = base64url({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' });
    const payload = base64url(claims());
    const signature = createHmac('sha256', JSON.stringify(publicJwk))
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(await verifyAccessToken(`${header}.${payload}.${signature}`, keys, expected)).toMatchObject({
      ok: false,
      refusal: 'algorithm',
    });
  });

  it('refuses an algorithm that is not on the list', async () => {
    const pair = await generateKeyPair('PS256');
    const ps = { ...(await exportJWK(pair.publicKey)), kid: 'ps', alg: 'PS256' };
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt', kid: 'ps' })
      .sign(pair.privateKey);
    const sut = await verifyAccessToken(token, createLocalJWKSet({ keys: [publicJwk, ps] }), expected);
    expect(sut).toMatchObject({ ok: false, refusal: 'algorithm' });
  });

  it('refuses what is not a JWT', async () => {
    expect(await verifyAccessToken('a.b.c', keys, expected)).toMatchObject({ ok: false, refusal: 'malformed' });
  });

  it('lets a key source that cannot be reached through as such (a 503, not a refusal)', async () => {
    const unreachable = () => Promise.reject(new KeySourceUnavailable('down'));
    await expect(verifyAccessToken(await sign(claims()), unreachable, expected)).rejects.toBeInstanceOf(
      KeySourceUnavailable,
    );
  });
});
