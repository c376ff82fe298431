import { ConfigError } from '@registry-bus/config';

import { loadPortalConfig, portalSignIn, SECRETS_THE_PORTAL_REFUSES } from './portal-config.js';

const env = {
  DEPLOYMENT_MODE: 'development',
  HTTP_DEV_PLAINTEXT: 'true',
  PORTAL_NOTARY_URL: 'https://127.0.0.1:3000/',
  PORTAL_DEPARTMENT_URLS: 'diploma=https://127.0.0.1:3002,land=https://127.0.0.1:3001/',
  TRUST_BUNDLE_FILE: '/tmp/trust-bundle.json',
  TRUST_ROOT_PUBLIC_KEY_FILE: '/tmp/trust-root.pub',
};

describe('the portal’s configuration (issue #25: the portal in its own process)', () => {
  it('reads where it relays to, on port 3006 unless told otherwise', () => {
    const config = loadPortalConfig(env);
    expect(config.PORT).toBe(3006);
    expect(config.PORTAL_DEPARTMENT_URLS).toEqual({
      diploma: 'https://127.0.0.1:3002',
      land: 'https://127.0.0.1:3001',
    });
    expect(config.PORTAL_NOTARY_URL).toBe('https://127.0.0.1:3000/');
  });

  it.each(SECRETS_THE_PORTAL_REFUSES)('refuses to start with %s in its environment, naming it', (name) => {
    const sut = () => loadPortalConfig({ ...env, [name]: 'postgres://notary:secret@127.0.0.1/notary' });
    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(
      `  - ${name}: must not be set for the portal: it serves the public and holds no key, password or database`,
    );
  });

  it('refuses every secret at once, so a department’s copied environment is named whole', () => {
    try {
      loadPortalConfig({ ...env, DATABASE_URL: 'postgres://x@h/d', KAFKA_SASL_PASSWORD: 'p', KEYS_DIR: '/keys' });
      throw new Error('accepted');
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.variable)).toEqual([
        'DATABASE_URL',
        'KAFKA_SASL_PASSWORD',
        'KEYS_DIR',
      ]);
    }
  });

  it('needs the notary’s address', () => {
    const { PORTAL_NOTARY_URL: _notary, ...bare } = env;
    expect(() => loadPortalConfig(bare)).toThrow('  - PORTAL_NOTARY_URL: is required but not set');
  });

  it('serves HTTPS unless told otherwise, as every app', () => {
    const { HTTP_DEV_PLAINTEXT: _plain, ...bare } = env;
    expect(() => loadPortalConfig(bare)).toThrow(
      '  - TLS_CERT_FILE: is required (with TLS_KEY_FILE): the app serves HTTPS.',
    );
  });

  it('refuses plain HTTP in production', () => {
    expect(() => loadPortalConfig({ ...env, DEPLOYMENT_MODE: 'production' })).toThrow(
      '  - HTTP_DEV_PLAINTEXT: is for development only (DEPLOYMENT_MODE=development), refused in production',
    );
  });

  it('refuses a department map it cannot read, naming the pair', () => {
    expect(() => loadPortalConfig({ ...env, PORTAL_DEPARTMENT_URLS: 'diploma https://x' })).toThrow(
      "  - PORTAL_DEPARTMENT_URLS: 'diploma https://x' is not <department>=<http url>",
    );
  });

  describe('the operator view’s sign-in (issue #26)', () => {
    const signIn = {
      PORTAL_OIDC_ISSUER: 'https://id.gov.example',
      PORTAL_OIDC_CLIENT_ID: 'registry-bus-portal',
      PORTAL_OIDC_RESOURCE: 'urn:registry-bus:notary',
    };

    it('hands the page the provider, its public client and the notary’s resource, asking openid', () => {
      expect(portalSignIn(loadPortalConfig({ ...env, ...signIn }))).toEqual({
        issuer: 'https://id.gov.example',
        clientId: 'registry-bus-portal',
        resource: 'urn:registry-bus:notary',
        scope: 'openid',
      });
    });

    it('signs nobody in without a provider: the view takes a pasted token only', () => {
      expect(portalSignIn(loadPortalConfig(env))).toBeUndefined();
    });

    it.each([
      [
        'PORTAL_OIDC_CLIENT_ID',
        "  - PORTAL_OIDC_CLIENT_ID: is required with PORTAL_OIDC_ISSUER: the portal's public client at the provider",
      ],
      [
        'PORTAL_OIDC_RESOURCE',
        "  - PORTAL_OIDC_RESOURCE: is required with PORTAL_OIDC_ISSUER: the notary's resource identifier (its OIDC_AUDIENCE)",
      ],
    ])('needs %s with the issuer', (name, message) => {
      expect(() => loadPortalConfig({ ...env, ...signIn, [name]: undefined })).toThrow(message);
    });

    it('refuses a client id or resource without the issuer, naming the issuer', () => {
      expect(() => loadPortalConfig({ ...env, PORTAL_OIDC_CLIENT_ID: 'registry-bus-portal' })).toThrow(
        '  - PORTAL_OIDC_ISSUER: is required when PORTAL_OIDC_CLIENT_ID is set',
      );
    });

    it('refuses an issuer that is no URL, naming it', () => {
      expect(() => loadPortalConfig({ ...env, ...signIn, PORTAL_OIDC_ISSUER: 'id.gov.example' })).toThrow(
        '  - PORTAL_OIDC_ISSUER: must be the https:// issuer URL of the OpenID provider',
      );
    });

    it('refuses a plain http issuer in production', () => {
      const production = {
        ...env,
        DEPLOYMENT_MODE: 'production',
        HTTP_DEV_PLAINTEXT: undefined,
        TRUST_PROXY: '10.0.0.0/8',
      };
      expect(() => loadPortalConfig({ ...production, ...signIn, PORTAL_OIDC_ISSUER: 'http://id.gov.example' })).toThrow(
        '  - PORTAL_OIDC_ISSUER: must be https:// in production: the operators sign in there',
      );
    });

    it('refuses the client id as the resource: an ID token names the client as its audience', () => {
      expect(() => loadPortalConfig({ ...env, ...signIn, PORTAL_OIDC_RESOURCE: 'registry-bus-portal' })).toThrow(
        '  - PORTAL_OIDC_RESOURCE: must not be the client id: an ID token names the client as its audience',
      );
    });

    it('refuses scopes without openid', () => {
      expect(() => loadPortalConfig({ ...env, ...signIn, PORTAL_OIDC_SCOPE: 'registry' })).toThrow(
        '  - PORTAL_OIDC_SCOPE: must include openid',
      );
    });
  });
});
