import { ConfigError } from '@registry-bus/config';

import { loadPortalConfig, SECRETS_THE_PORTAL_REFUSES } from './portal-config.js';

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
});
