import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

import { SignJWT, type JWTPayload } from 'jose';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
// oidc-provider's own in-memory store, made explicitly (see buildProvider).
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

/** A development operator: who signs in, for which department, in which role, for which bank or institution. */
export interface DevUser {
  /** The account id, the tokens' `sub` (pseudonymous: never a name). */
  sub: string;
  department: string;
  role: 'admin' | 'clerk' | 'auditor';
  actsFor?: string;
}

/** One development user per department and role (and a bank's clerk), as `npm start` and the tests use them. */
export function devUsers(departments: readonly string[]): DevUser[] {
  return departments.flatMap((department) => [
    { sub: `dev-${department}-admin`, department, role: 'admin' as const },
    { sub: `dev-${department}-clerk`, department, role: 'clerk' as const },
    { sub: `dev-${department}-auditor`, department, role: 'auditor' as const },
    ...(department === 'credit'
      ? [{ sub: 'dev-credit-clerk-alpha', department, role: 'clerk' as const, actsFor: 'bank:alpha' }]
      : []),
  ]);
}

/** The acr a sign-in with a second factor gets, and the one of a password alone. */
export const DEV_ACR_MFA = 'urn:registry-bus:dev:mfa';
export const DEV_ACR_PASSWORD = 'urn:registry-bus:dev:password';

/** The command-line console (`npm run login`, the tests' `signIn`): a public client with a callback nobody serves. */
export const DEV_CLIENT_ID = 'registry-bus-operator-console';
const REDIRECT_URI = 'http://127.0.0.1/operator/callback';
/** The portal's operator view, a public client signing in from the browser (PORTAL_OIDC_CLIENT_ID). */
export const DEV_PORTAL_CLIENT_ID = 'registry-bus-portal';
/** Swagger UI's "Authorize" on every app's /docs, a public client (the apps' default, API_DOCS_CLIENT_ID). */
export const DEV_API_DOCS_CLIENT_ID = 'registry-bus-api-docs';
/** Where the browser clients are sent back: the portal's page, and the oauth2-redirect.html Swagger UI serves. */
export const PORTAL_CALLBACK_PATH = '/portal/';
export const API_DOCS_CALLBACK_PATH = '/docs/oauth2-redirect.html';

/**
 * Whether `redirectUri` is exactly `http(s)://127.0.0.1:<port><path>`, any
 * port: the callback of a browser client whose app a test starts after the
 * provider, on a port nobody knew before. Nothing else on the machine (no
 * other host, path, query or fragment, no user info) — the wildcard
 * oidc-provider's recipe warns about stays this narrow, and only in tests.
 */
export function isLoopbackCallback(redirectUri: string, path: string): boolean {
  const url = URL.parse(redirectUri);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.port === '') return false;
  // Rebuilt from its parts and compared whole: no user info, query or fragment, nothing normalised away.
  return redirectUri === `${url.protocol}//127.0.0.1:${url.port}${path}`;
}

/** RFC 9068 tokens of at most 10 minutes (issue #26). */
export const ACCESS_TOKEN_SECONDS = 600;

export interface DevIdentityProviderOptions {
  users: DevUser[];
  /** The resource servers (each register's OIDC_AUDIENCE) tokens may be issued for. */
  audiences: string[];
  /**
   * Those of `audiences` whose access tokens are opaque (a provider that
   * does not issue JWTs): their registers introspect them (RFC 7662).
   */
  opaqueAudiences?: string[];
  /** More redirect URIs of the command-line console. */
  redirectUris?: string[];
  /** The portal's callbacks, `<portal>/portal/` (npm start's portal); more with `anyLoopbackPort`. */
  portalRedirectUris?: string[];
  /** Swagger UI's callbacks, `<app>/docs/oauth2-redirect.html` of each app; more with `anyLoopbackPort`. */
  apiDocsRedirectUris?: string[];
  /**
   * Tests: the portal's and Swagger UI's callbacks are accepted on
   * 127.0.0.1 at any port (`isLoopbackCallback`), for apps started after
   * the provider. Never for `npm start`, whose ports are known.
   */
  anyLoopbackPort?: boolean;
  /** Confidential clients that may introspect access tokens: the registers' OIDC_INTROSPECTION_CLIENT_ID/_SECRET. */
  introspectionClients?: Array<{ clientId: string; clientSecret: string }>;
  /** Serve HTTPS with this certificate (PEM files); else plain HTTP. */
  tls?: { certFile: string; keyFile: string };
  port?: number;
  host?: string;
}

export interface SignedIn {
  accessToken: string;
  idToken: string;
  expiresIn: number;
}

/**
 * An OpenID provider on this machine — `oidc-provider`, the certified
 * implementation — for tests and `npm start`: authorization code with PKCE
 * for one public client, resource indicators (RFC 8707) so that access
 * tokens are RFC 9068 JWTs for one register, signed RS256 under a key made
 * at start, at most 10 minutes long, carrying the department, role and
 * scope claims and the sign-in's acr/amr. Sign-in is a development form
 * that lets anyone be any development user, with or without a second factor.
 */
export class DevIdentityProvider {
  private constructor(
    readonly issuer: string,
    private readonly server: Server,
    private readonly provider: Provider,
    readonly users: DevUser[],
    private readonly signingKey: { key: KeyObject; kid: string },
  ) {}

  static async start(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
    let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
      response.writeHead(503).end();
    const listener = (request: IncomingMessage, response: ServerResponse) => handle(request, response);
    const server = options.tls
      ? createHttpsServer(
          { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
          listener,
        )
      : createHttpServer(listener);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, resolve);
    });
    const { port } = server.address() as { port: number };
    const issuer = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingKey = { key: privateKey, kid: `dev-${randomBytes(4).toString('hex')}` };
    const provider = buildProvider(issuer, options, signingKey);
    const callback = provider.callback();
    handle = (request, response) => {
      const login = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(request.url ?? '');
      if (login) void interaction(provider, options.users, request, response, login[1]!, login[2] !== undefined);
      else void callback(request, response);
    };
    return new DevIdentityProvider(issuer, server, provider, options.users, signingKey);
  }

  /**
   * Tests only: a JWT under the provider's own key, with whatever claims and
   * header — the dishonest or broken tokens a real provider would not issue
   * (expired, another issuer, no role), so that each check is the one failing.
   */
  signAsProvider(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: this.signingKey.kid, ...header })
      .sign(this.signingKey.key);
  }

  /**
   * Signs a development user in as a browser would — authorization request
   * with PKCE (RFC 7636) and a resource indicator, the sign-in form, the
   * redirect with the code, the token request — and returns the tokens.
   */
  signIn(sub: string, resource: string, options: { mfa: boolean }): Promise<SignedIn> {
    return signInAsDevUser(this.issuer, sub, resource, options);
  }

  /** RFC 7009: revokes an access token as the console that got it would (its client, no secret: a public client). */
  async revoke(token: string): Promise<void> {
    const response = await fetch(new URL('/token/revocation', this.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: DEV_CLIENT_ID }).toString(),
    });
    if (response.status !== 200) throw new Error(`the revocation failed: ${response.status} ${await response.text()}`);
  }

  /** The RFC 7662 endpoint, for a register's OIDC_INTROSPECTION_URL. */
  get introspectionUrl(): string {
    return new URL('/token/introspection', this.issuer).href;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The provider, for a test that needs more of it. */
  get oidc(): Provider {
    return this.provider;
  }
}

function buildProvider(
  issuer: string,
  options: DevIdentityProviderOptions,
  signingKey: { key: KeyObject; kid: string },
): Provider {
  const byId = new Map(options.users.map((user) => [user.sub, user]));
  // A signing key made at each start: nothing to keep, and no key of any real provider.
  const jwk = { ...signingKey.key.export({ format: 'jwk' }), kid: signingKey.kid, alg: 'RS256', use: 'sig' };
  const opaque = new Set(options.opaqueAudiences ?? []);
  // The browser clients, each with its one callback path: public (no secret), PKCE like every client here.
  const browserClients = [
    { clientId: DEV_PORTAL_CLIENT_ID, path: PORTAL_CALLBACK_PATH, redirectUris: options.portalRedirectUris ?? [] },
    { clientId: DEV_API_DOCS_CLIENT_ID, path: API_DOCS_CALLBACK_PATH, redirectUris: options.apiDocsRedirectUris ?? [] },
  ];
  const loopbackPaths = new Map(
    options.anyLoopbackPort ? browserClients.map(({ clientId, path }) => [clientId, path] as const) : [],
  );
  const provider = new Provider(issuer, {
    // Nothing to keep: codes, sessions and tokens last minutes and the signing key is made at each start.
    // Handing oidc-provider its own memory store explicitly keeps it from warning that it fell back to it.
    adapter: createMemoryAdapter(0),
    clients: [
      {
        client_id: DEV_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI, ...(options.redirectUris ?? [])],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      ...browserClients.map(({ clientId, path, redirectUris }) => ({
        client_id: clientId,
        token_endpoint_auth_method: 'none' as const,
        // oidc-provider wants one registered; a port-less one nobody serves when only `anyLoopbackPort` ones will come.
        redirect_uris: redirectUris.length > 0 ? redirectUris : [`http://127.0.0.1${path}`],
        grant_types: ['authorization_code'],
        response_types: ['code' as const],
      })),
      // The registers as resource servers: they only ask about tokens, they get none.
      ...(options.introspectionClients ?? []).map(({ clientId, clientSecret }) => ({
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        redirect_uris: [],
        grant_types: [],
        response_types: [],
      })),
    ],
    jwks: { keys: [jwk as never] },
    // A browser client exchanges its code from its page's origin: a public client's registered callback's, or
    // (with anyLoopbackPort) any 127.0.0.1 port of the portal's or Swagger UI's. oidc-provider's default, widened so.
    clientBasedCORS: (_ctx, origin, client) => {
      if (client.clientAuthMethod !== 'none') return false;
      if (client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin)) return true;
      const path = loopbackPaths.get(client.clientId);
      return path !== undefined && isLoopbackCallback(`${origin}${path}`, path);
    },
    pkce: { required: () => true },
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_SECONDS,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      // Only the registers' confidential clients may ask; any access token, so that a register's own aud check is what refuses another's.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none',
      },
      // The console that got a token may revoke it (RFC 7009 §2.1).
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (!options.audiences.includes(resourceIndicator)) throw new errors.InvalidTarget();
          return {
            scope: 'registry',
            audience: resourceIndicator,
            accessTokenTTL: ACCESS_TOKEN_SECONDS,
            ...(opaque.has(resourceIndicator)
              ? { accessTokenFormat: 'opaque' as const }
              : { accessTokenFormat: 'jwt' as const, jwt: { sign: { alg: 'RS256' as const } } }),
          };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => (byId.has(sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    // The register's claims, and how the operator signed in (from the code's login), in the access token.
    extraTokenClaims: (ctx: KoaContextWithOIDC, token) => {
      const user = 'accountId' in token && typeof token.accountId === 'string' ? byId.get(token.accountId) : undefined;
      if (!user) return undefined;
      const code = ctx.oidc.entities.AuthorizationCode;
      return {
        department: user.department,
        roles: [user.role],
        ...(user.actsFor ? { acts_for: user.actsFor } : {}),
        ...(code?.acr ? { acr: code.acr } : {}),
        ...(code?.amr ? { amr: code.amr } : {}),
      };
    },
  });
  if (loopbackPaths.size > 0) allowLoopbackCallbacks(provider, loopbackPaths);
  return provider;
}

/**
 * oidc-provider's documented way to widen the redirect URIs a client may
 * use (its "Redirect URI wildcards" recipe overrides the client model's
 * `redirectUriAllowed`): here only the browser clients, only their own
 * callback path, only on 127.0.0.1 (`isLoopbackCallback`). The code keeps
 * the redirect URI it was issued for: the token request must repeat it.
 */
function allowLoopbackCallbacks(provider: Provider, paths: ReadonlyMap<string, string>): void {
  const registered = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(redirectUri: string): boolean {
    const path = paths.get(this.clientId);
    return registered.call(this, redirectUri) || (path !== undefined && isLoopbackCallback(redirectUri, path));
  };
}

/** Text for the development pages: request parameters (the client, the resource) are shown, never run. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A development page with one form posting to the interaction: sign-in, or consent. */
const page = (title: string, uid: string, body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><h1>${title}</h1>` +
  `<form method="post" action="/interaction/${uid}/login">${body}</form></html>`;

/**
 * The development sign-in: a page listing the users (and whether the second
 * factor was used), then a consent page naming the client and the register
 * it asks for. Each is a form posting to `/interaction/<uid>/login`.
 */
async function interaction(
  provider: Provider,
  users: DevUser[],
  request: IncomingMessage,
  response: ServerResponse,
  uid: string,
  submitted: boolean,
): Promise<void> {
  try {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const login = details.prompt.name === 'login';
    if (!submitted) {
      const options = users.map((user) => `<option value="${user.sub}">${user.sub}</option>`).join('');
      const resource = [details.params.resource ?? []].flat().map(String).join(', ') || 'no register';
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          login
            ? page(
                'Development sign-in',
                uid,
                `<label>User <select name="user">${options}</select></label>` +
                  `<label><input type="checkbox" name="mfa" checked> second factor</label><button>Sign in</button>`,
              )
            : page(
                'Development consent',
                uid,
                `<p>${escapeHtml(String(details.params.client_id))} asks to act as ` +
                  `${escapeHtml(details.session?.accountId ?? 'you')} at ${escapeHtml(resource)}.</p><button>Allow</button>`,
              ),
        );
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (login) {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const sub = form.get('user') ?? '';
      if (!users.some((user) => user.sub === sub)) {
        response.writeHead(400).end('unknown development user');
        return;
      }
      const mfa = form.get('mfa') === 'on';
      await provider.interactionFinished(
        request,
        response,
        {
          login: {
            accountId: sub,
            acr: mfa ? DEV_ACR_MFA : DEV_ACR_PASSWORD,
            amr: mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'],
          },
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent: development users grant what the client asks (oidc-provider's own consent example).
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (error) {
    response.writeHead(400, { 'content-type': 'text/plain' }).end(`sign-in failed: ${String(error)}`);
  }
}

/**
 * The authorization code flow with PKCE against a running development
 * provider (`DevIdentityProvider`, here or in `npm start`), answering its
 * sign-in form as `sub`: what `npm run login` and the tests use to get a
 * token without a browser. The provider's certificate must be trusted.
 */
export async function signInAsDevUser(
  issuer: string,
  sub: string,
  resource: string,
  options: { mfa: boolean },
): Promise<SignedIn> {
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map((c) => c.join('=')).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  const location = (response: Response, what: string) => {
    const value = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !value)
      throw new Error(`${what}: expected a redirect, got ${response.status}`);
    return new URL(value, issuer).href;
  };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL('/auth', issuer);
  for (const [name, value] of Object.entries({
    client_id: DEV_CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid registry',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource,
    state: randomBytes(8).toString('hex'),
  }))
    authorize.searchParams.set(name, value);
  const form = new URLSearchParams({ user: sub, ...(options.mfa ? { mfa: 'on' } : {}) });
  let next = location(await send(authorize.href), 'the authorization request');
  // The form answers each prompt (login, then consent if one is left); bounded, a loop would be a bug.
  for (let prompts = 0; new URL(next).pathname.startsWith('/interaction/'); prompts++) {
    if (prompts === 3) throw new Error('the provider keeps prompting');
    const resumed = location(
      await send(`${next}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
      'the sign-in',
    );
    next = location(await send(resumed), 'the resumed authorization');
  }
  const redirected = new URL(next);
  const code = redirected.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${redirected.href}`);
  const tokenResponse = await send(new URL('/token', issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: DEV_CLIENT_ID,
      code_verifier: verifier,
      resource,
    }).toString(),
  });
  const tokens = (await tokenResponse.json()) as Record<string, unknown>;
  if (tokenResponse.status !== 200) throw new Error(`the token request failed: ${JSON.stringify(tokens)}`);
  return {
    accessToken: tokens.access_token as string,
    idToken: tokens.id_token as string,
    expiresIn: tokens.expires_in as number,
  };
}
