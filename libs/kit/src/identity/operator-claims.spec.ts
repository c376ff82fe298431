import { ConfigError } from '@registry-bus/config';

import { loadDepartmentConfig } from '../department/department-config.js';
import { operatorOfClaims } from './operator-claims.js';

const settings = {
  alias: 'gov-id',
  claims: { department: 'department', role: 'roles', scope: 'acts_for' },
  mfa: { acr: ['urn:gov:loa:high'], amr: ['mfa'] },
};
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: 'u-42',
  jti: 'j-1',
  department: 'credit',
  roles: ['clerk'],
  acts_for: 'bank:alpha',
  amr: ['pwd', 'otp', 'mfa'],
  ...overrides,
});

describe('operatorOfClaims', () => {
  it('makes a pseudonymous operator of the configured claims, multi-factor by amr', () => {
    expect(operatorOfClaims(claims(), settings, 'credit')).toEqual({
      ok: true,
      multiFactor: true,
      operator: {
        tokenId: 'j-1',
        operator: 'oidc:gov-id:u-42',
        department: 'credit',
        role: 'clerk',
        scope: 'bank:alpha',
      },
    });
  });

  it('counts a configured acr as multi-factor, and a password alone as not', () => {
    expect(operatorOfClaims(claims({ amr: ['pwd'], acr: 'urn:gov:loa:high' }), settings, 'credit')).toMatchObject({
      multiFactor: true,
    });
    expect(operatorOfClaims(claims({ amr: ['pwd'], acr: 'urn:gov:loa:low' }), settings, 'credit')).toMatchObject({
      ok: true,
      multiFactor: false,
    });
  });

  it.each([
    ['no role claim', { roles: undefined }, "the token names no role (claim 'roles')"],
    ['no role of ours', { roles: ['viewer'] }, "the token's 'roles' holds none of the roles admin, clerk, auditor"],
    [
      'two roles',
      { roles: ['clerk', 'admin'] },
      "the token's 'roles' holds several roles (clerk, admin); an operator acts in one",
    ],
    ['no department', { department: undefined }, "the token names no department (claim 'department')"],
    [
      'another department',
      { department: 'land' },
      "this is a token of department 'land'; the credit register accepts only its own operators",
    ],
    ['a malformed scope', { acts_for: 'Bank Alpha' }, "the token's 'acts_for' is not an id such as \"bank:alpha\""],
  ])('refuses %s (403)', (_name, overrides, detail) => {
    expect(operatorOfClaims(claims(overrides), settings, 'credit')).toEqual({
      ok: false,
      code: 'AUTH.FORBIDDEN',
      detail,
    });
  });
});

describe('the OIDC variables of a department configuration', () => {
  const env = {
    DATABASE_URL: 'postgres://app@127.0.0.1:5432/land',
    KAFKA_BROKERS: '127.0.0.1:9092',
    KEYS_DIR: '/tmp/keys',
    TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
    TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
    HTTP_DEV_PLAINTEXT: 'true',
    DEPLOYMENT_MODE: 'development',
  };
  const oidc = { OIDC_ISSUER: 'https://id.gov.test', OIDC_ISSUER_ALIAS: 'gov-id', OIDC_AUDIENCE: 'urn:registry:land' };
  const refusal = (overrides: Record<string, string>) => {
    try {
      loadDepartmentConfig({ ...env, ...overrides });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('takes a whole provider configuration with its defaults', () => {
    const sut = loadDepartmentConfig({ ...env, ...oidc });
    expect(sut).toMatchObject({
      ...oidc,
      OIDC_ACCESS_TOKEN_TYP: 'at+jwt',
      OIDC_ALGORITHMS: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      OIDC_CLOCK_SKEW_SECONDS: 30,
      OIDC_MFA_AMR: ['mfa'],
    });
  });

  it.each([
    [{ OIDC_ALGORITHMS: 'RS256,HS256' }, "OIDC_ALGORITHMS.1: 'HS256' is refused: only asymmetric algorithms"],
    [{ OIDC_ALGORITHMS: 'none' }, "OIDC_ALGORITHMS.0: 'none' is refused"],
    [{ OIDC_CLOCK_SKEW_SECONDS: '61' }, 'OIDC_CLOCK_SKEW_SECONDS:'],
    [{ OIDC_ISSUER_ALIAS: '' }, 'OIDC_ISSUER_ALIAS:'],
  ])('refuses %j, naming the variable', (overrides, message) => {
    expect(refusal({ ...oidc, ...overrides })).toContain(message);
  });

  it('names what is missing beside OIDC_ISSUER, and OIDC_ISSUER when only its companions are set', () => {
    expect(refusal({ OIDC_ISSUER: 'https://id.gov.test' })).toContain(
      '  - OIDC_ISSUER_ALIAS: is required with OIDC_ISSUER',
    );
    expect(refusal({ OIDC_ISSUER: 'https://id.gov.test' })).toContain(
      '  - OIDC_AUDIENCE: is required with OIDC_ISSUER',
    );
    expect(refusal({ OIDC_AUDIENCE: 'urn:x' })).toContain('  - OIDC_ISSUER: is required when OIDC_AUDIENCE is set');
  });

  it('refuses a plain-http issuer in production', () => {
    expect(refusal({ ...oidc, OIDC_ISSUER: 'http://id.gov.test', DEPLOYMENT_MODE: 'production' })).toContain(
      '  - OIDC_ISSUER: must be https:// in production',
    );
  });
});
