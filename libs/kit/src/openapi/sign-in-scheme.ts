import type { OpenAPIObject } from '@nestjs/swagger';
import * as oauth from 'oauth4webapi';

import type { IdentitySettings } from '../identity/index.js';

/** The OpenAPI security scheme of the OpenID provider's sign-in, beside `bearer`. */
export const SIGN_IN_SCHEME = 'oidc';

/** The scopes Swagger UI asks for: the sign-in itself; the register is named by the resource indicator. */
const SCOPES = { openid: 'Sign in (OpenID Connect); the access token is for this register alone' };

export interface ProviderEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
}

export interface ApiDocsSignIn {
  provider: Pick<IdentitySettings, 'issuer' | 'audience' | 'allowHttp'>;
  clientId: string;
  /** The register's resource identifier (OIDC_AUDIENCE), sent as `resource` (RFC 8707). */
  audience: string;
  scopes: string[];
  /** The document with the sign-in scheme, once the provider's endpoints are known. */
  document(built: OpenAPIObject): Promise<OpenAPIObject>;
}

/**
 * Swagger UI's sign-in at the app's OpenID provider: its endpoints come from
 * the provider's discovery document (OpenID Connect Discovery 1.0, `issuer`
 * exactly the configured one), asked at the first look at the docs and kept;
 * a provider that does not answer is asked again at the next look.
 */
export function apiDocsSignIn(
  provider: ApiDocsSignIn['provider'] | undefined,
  clientId: string,
): ApiDocsSignIn | undefined {
  if (!provider) return undefined;
  let patched: Promise<OpenAPIObject> | undefined;
  return {
    provider,
    clientId,
    audience: provider.audience,
    scopes: Object.keys(SCOPES),
    document(built) {
      patched ??= discoverEndpoints(provider).then((endpoints) => withSignInScheme(built, provider, endpoints));
      patched.catch(() => (patched = undefined));
      return patched.catch((error: unknown) =>
        withNote(
          built,
          `Signing in at ${provider.issuer} is not offered now: the provider could not be discovered (${(error as Error).message}). A bearer token still works.`,
        ),
      );
    },
  };
}

async function discoverEndpoints(provider: ApiDocsSignIn['provider']): Promise<ProviderEndpoints> {
  const issuer = new URL(provider.issuer);
  const options = {
    algorithm: 'oidc' as const,
    signal: AbortSignal.timeout(5_000),
    [oauth.allowInsecureRequests]: provider.allowHttp && issuer.protocol === 'http:',
  };
  const metadata = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
  if (!metadata.authorization_endpoint || !metadata.token_endpoint)
    throw new Error(`${provider.issuer} names no authorization or token endpoint`);
  return { authorizationUrl: metadata.authorization_endpoint, tokenUrl: metadata.token_endpoint };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The document with an OAuth 2.0 authorization-code scheme for the
 * provider, offered wherever a bearer token is (the provider's access token
 * is one): Swagger UI runs it with PKCE and sends the token as
 * `Authorization: Bearer`. A copy: the built document is left as it was.
 */
export function withSignInScheme(
  document: OpenAPIObject,
  provider: Pick<IdentitySettings, 'issuer' | 'audience'>,
  endpoints: ProviderEndpoints,
): OpenAPIObject {
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => {
      const copy = { ...item };
      for (const method of METHODS) {
        const operation = copy[method];
        if (!operation?.security?.some((requirement) => 'bearer' in requirement)) continue;
        copy[method] = { ...operation, security: [...operation.security, { [SIGN_IN_SCHEME]: [] }] };
      }
      return [path, copy];
    }),
  );
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      securitySchemes: {
        ...document.components?.securitySchemes,
        [SIGN_IN_SCHEME]: {
          type: 'oauth2',
          description: `Sign in at ${provider.issuer} (authorization code with PKCE) for an access token of ${provider.audience}`,
          flows: {
            authorizationCode: {
              authorizationUrl: endpoints.authorizationUrl,
              tokenUrl: endpoints.tokenUrl,
              scopes: SCOPES,
            },
          },
        },
      },
    },
  };
}

function withNote(document: OpenAPIObject, note: string): OpenAPIObject {
  return { ...document, info: { ...document.info, description: `${document.info.description ?? ''}\n\n${note}` } };
}
