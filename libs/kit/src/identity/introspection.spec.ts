import { ConfigError } from '@registry-bus/config';

import { loadDepartmentConfig } from '../department/department-config.js';
import { checkIntrospection, type IntrospectionExpectations } from './introspection.js';

const ISSUER = 'https://id.gov.test';
const AUDIENCE = 'urn:registry:land';
const NOW = new Date('2026-12-04T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

const expected: IntrospectionExpectations = {
  issuer: ISSUER,
  audience: AUDIENCE,
  clockSkewSeconds: 30,
  currentDate: NOW,
};

/** What oidc-provider answers for a good opaque access token (RFC 7662 §2.2). */
const answer = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  active: true,
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'u-1234',
  client_id: 'operator-console',
  token_type: 'Bearer',
  scope: 'registry',
  iat: seconds(NOW) - 10,
  exp: seconds(NOW) + 290,
  department: 'land',
  roles: ['clerk'],
  ...overrides,
});

describe('checkIntrospection (RFC 7662 §2.2)', () => {
  it("accepts an active token of the issuer for this audience and returns the answer's claims", () => {
    expect(checkIntrospection(answer(), expected)).toEqual({ ok: true, claims: answer() });
  });

  it('accepts an audience list that contains ours, and tolerates an exp less than the skew ago', () => {
    expect(checkIntrospection(answer({ aud: ['urn:other', AUDIENCE] }), expected).ok).toBe(true);
    expect(checkIntrospection(answer({ exp: seconds(NOW) - 29 }), expected).ok).toBe(true);
  });

  it.each([
    [
      'an inactive token',
      { active: false },
      'inactive',
      'the provider says the token is not active (expired, revoked or never issued); sign in again',
    ],
    ['an answer that is not active: true', { active: 'true' }, 'inactive', undefined],
    ['another issuer', { iss: 'https://id.gov.test/' }, 'issuer', 'the token was not issued by https://id.gov.test'],
    ['no issuer', { iss: undefined }, 'issuer', undefined],
    [
      'another audience',
      { aud: 'urn:registry:credit' },
      'audience',
      'the token is not meant for urn:registry:land (aud)',
    ],
    ['no audience', { aud: undefined }, 'audience', undefined],
    ['no exp', { exp: undefined }, 'claims', 'the introspection answer names no exp'],
    ['an exp the skew ago', { exp: seconds(NOW) - 30 }, 'expired', 'the token has expired; sign in again'],
    ['an iat ahead of us', { iat: seconds(NOW) + 120 }, 'not-yet-valid', "the token's iat lies in the future"],
    ['an nbf ahead of us', { nbf: seconds(NOW) + 120 }, 'not-yet-valid', "the token's nbf lies in the future"],
    ['no sub', { sub: undefined }, 'claims', "the token's sub is not 1 to 160 visible ASCII characters"],
    [
      'a refresh token (no token_type)',
      { token_type: undefined },
      'claims',
      "the token's token_type is null, not Bearer: only access tokens are accepted",
    ],
    [
      'a DPoP-bound token',
      { token_type: 'DPoP', cnf: { jkt: 'abc' } },
      'claims',
      'the token\'s token_type is "DPoP", not Bearer: only access tokens are accepted',
    ],
    [
      'a certificate-bound bearer token',
      { cnf: { 'x5t#S256': 'abc' } },
      'claims',
      'the token is sender-constrained (cnf); this register takes plain bearer tokens only',
    ],
  ])('refuses %s', (_name, overrides, refusal, detail) => {
    const changed = answer(overrides);
    for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete changed[name];
    const sut = checkIntrospection(changed, expected);
    expect(sut).toMatchObject({ ok: false, refusal, ...(detail ? { detail } : {}) });
  });
});

describe('the OIDC_INTROSPECTION_* variables', () => {
  const env = {
    DATABASE_URL: 'postgres://app@127.0.0.1:5432/land',
    KAFKA_BROKERS: '127.0.0.1:9092',
    KEYS_DIR: '/tmp/keys',
    TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
    TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
    HTTP_DEV_PLAINTEXT: 'true',
    DEPLOYMENT_MODE: 'development',
    OIDC_ISSUER: 'https://id.gov.test',
    OIDC_ISSUER_ALIAS: 'gov-id',
    OIDC_AUDIENCE: 'urn:registry:land',
  };
  const introspection = {
    OIDC_INTROSPECTION_URL: 'https://id.gov.test/token/introspection',
    OIDC_INTROSPECTION_CLIENT_ID: 'land-registry',
    OIDC_INTROSPECTION_CLIENT_SECRET: 's3cret-of-the-land-registry',
  };
  const refusal = (overrides: Record<string, string | undefined>) => {
    const variables = Object.fromEntries(
      Object.entries({ ...env, ...overrides }).filter((pair): pair is [string, string] => pair[1] !== undefined),
    );
    try {
      loadDepartmentConfig(variables);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('takes the endpoint with its client credentials', () => {
    expect(loadDepartmentConfig({ ...env, ...introspection })).toMatchObject(introspection);
  });

  it.each([
    [{ OIDC_INTROSPECTION_CLIENT_SECRET: undefined }, '  - OIDC_INTROSPECTION_CLIENT_SECRET: is required with'],
    [{ OIDC_INTROSPECTION_CLIENT_ID: undefined }, '  - OIDC_INTROSPECTION_CLIENT_ID: is required with'],
    [
      { OIDC_INTROSPECTION_URL: undefined },
      '  - OIDC_INTROSPECTION_URL: is required with OIDC_INTROSPECTION_CLIENT_ID and OIDC_INTROSPECTION_CLIENT_SECRET',
    ],
    [{ OIDC_INTROSPECTION_URL: 'ftp://id.gov.test/x' }, '  - OIDC_INTROSPECTION_URL: must be the https:// URL'],
    [{ OIDC_INTROSPECTION_CLIENT_SECRET: 'short' }, '  - OIDC_INTROSPECTION_CLIENT_SECRET: must be the client secret'],
    [
      { OIDC_INTROSPECTION_URL: 'http://id.gov.test/introspect', DEPLOYMENT_MODE: 'production' },
      '  - OIDC_INTROSPECTION_URL: must be https:// in production',
    ],
    [{ OIDC_ISSUER: undefined }, '  - OIDC_ISSUER: is required when OIDC_INTROSPECTION_URL is set'],
  ])('refuses %j, naming the variable', (overrides, message) => {
    expect(refusal({ ...introspection, ...overrides })).toContain(message);
  });
});
