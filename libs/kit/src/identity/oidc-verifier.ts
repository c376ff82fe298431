import { parseStrictJson } from '@registry-bus/protocol';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

import type { Operator } from '../auth/operator-token.js';
import { KeySourceUnavailable, verifyAccessToken, type TokenRefusal } from './access-token.js';
import type { IdentitySettings } from './identity-config.js';
import { TokenIntrospector } from './introspection.js';
import { operatorOfClaims } from './operator-claims.js';

export type Authentication =
  | { ok: true; operator: Operator; multiFactor: boolean }
  | { ok: false; status: 401; refusal: TokenRefusal; detail: string }
  | { ok: false; status: 403; detail: string };

const DISCOVERY_TIMEOUT_MS = 5_000;

/** A JWT's compact form (RFC 7515 §7.1); an unsigned one has an empty third part. Opaque tokens never hold a dot. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * OpenID Connect Discovery 1.0 §4: the provider's metadata, whose `issuer`
 * must be exactly the configured one (§4.3), and its `jwks_uri`.
 */
export async function discoverJwksUri(settings: Pick<IdentitySettings, 'issuer' | 'allowHttp'>): Promise<URL> {
  const url = `${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new KeySourceUnavailable(`${url} answered ${response.status}`);
  const metadata = parseStrictJson(await response.text(), 'the discovery document') as {
    issuer?: unknown;
    jwks_uri?: unknown;
  };
  if (metadata.issuer !== settings.issuer)
    throw new KeySourceUnavailable(`${url} names issuer ${String(metadata.issuer)}, not ${settings.issuer}`);
  if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri))
    throw new KeySourceUnavailable(`${url} names no jwks_uri`);
  const jwksUri = new URL(metadata.jwks_uri);
  if (jwksUri.protocol !== 'https:' && !(settings.allowHttp && jwksUri.protocol === 'http:'))
    throw new KeySourceUnavailable(`the jwks_uri ${jwksUri.href} is not https`);
  return jwksUri;
}

/**
 * The resource-server side of operator sign-in: a bearer JWT (or, with
 * OIDC_INTROSPECTION_URL, an opaque token the provider introspects) → the
 * operator it names, or why not — the same claim rules for both. Discovers the provider on first use (and
 * again after a failure), keeps jose's remote JWKS, which refetches on an
 * unknown `kid` at most every 30 s — so a flood of tokens under made-up keys
 * cannot make us hammer the provider.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;
  private readonly introspector: TokenIntrospector | undefined;

  constructor(
    readonly settings: IdentitySettings,
    private readonly department: string,
  ) {
    const { introspection } = settings;
    this.introspector = introspection ? new TokenIntrospector({ ...settings, introspection }) : undefined;
  }

  /**
   * Whether this bearer token is the provider's to judge: a JWT, or — with
   * introspection configured — an opaque token that is not a Registry Bus
   * one (`rbt_…`, which the register's own token store judges).
   */
  judges(token: string, isRegistryBusToken: boolean): boolean {
    return looksLikeJwt(token) || (this.introspector !== undefined && !isRegistryBusToken);
  }

  async authenticate(token: string): Promise<Authentication> {
    const verdict =
      this.introspector && !looksLikeJwt(token)
        ? await this.introspector.introspect(token)
        : await verifyAccessToken(token, await this.keySource(), this.settings);
    if (!verdict.ok) return { ok: false, status: 401, refusal: verdict.refusal, detail: verdict.detail };
    const operator = operatorOfClaims(verdict.claims, this.settings, this.department);
    return operator.ok ? operator : { ok: false, status: 403, detail: operator.detail };
  }

  private keySource(): Promise<JWTVerifyGetKey> {
    this.keys ??= discoverJwksUri(this.settings).then((uri) => {
      const remote = createRemoteJWKSet(uri, { timeoutDuration: DISCOVERY_TIMEOUT_MS });
      const keys: JWTVerifyGetKey = async (header, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          // A token naming no key of ours is refused; a provider we cannot reach is not the token's fault.
          if (
            error instanceof errors.JWKSNoMatchingKey ||
            error instanceof errors.JWKSMultipleMatchingKeys ||
            error instanceof errors.JOSENotSupported ||
            error instanceof errors.JOSEAlgNotAllowed
          )
            throw error;
          throw new KeySourceUnavailable(`the provider's keys could not be fetched: ${String(error)}`);
        }
      };
      return keys;
    });
    this.keys.catch(() => (this.keys = undefined));
    return this.keys.catch((error: unknown) => {
      throw error instanceof KeySourceUnavailable
        ? error
        : new KeySourceUnavailable(`the provider could not be discovered: ${String(error)}`);
    });
  }
}
