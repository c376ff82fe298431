import * as oauth from 'oauth4webapi';

import { readJson, readJsonAnswer } from './read-json.js';

/** Where the operator view signs operators in, as the portal's app was configured (PORTAL_OIDC_*). */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  /** The notary's resource identifier (RFC 8707): the operator view's data is the notary's. */
  resource: string;
  scope: string;
}

/** The bearer the operator view sends to the notary in this tab, and where it came from. */
export interface OperatorSession {
  bearer: string;
  /** `sign-in`: the provider's access token; `token`: pasted (a service account's, the break-glass admin's). */
  via: 'sign-in' | 'token';
  /** Who signed in: the ID token's `sub`. */
  subject?: string;
  /** When the access token ends (ms since the epoch); a pasted token's end is the notary's to say. */
  expiresAt?: number;
}

/** The sign-in this tab started: what the answer must match, and what the code is exchanged with. */
interface PendingSignIn {
  state: string;
  codeVerifier: string;
  redirectUri: string;
  issuer: string;
  clientId: string;
  resource: string;
}

/**
 * sessionStorage only: the tab's own, gone when it closes, never shared
 * with another tab or kept on the disk across sessions as localStorage is.
 */
const SESSION_KEY = 'registry-bus.operator-session';
const PENDING_KEY = 'registry-bus.sign-in-pending';

export const operatorSession = {
  read(): OperatorSession | undefined {
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (!stored) return undefined;
    try {
      return readJson(stored, 'the sign-in of this tab') as OperatorSession;
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
      return undefined;
    }
  },
  keep(session: OperatorSession): void {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  },
  forget(): void {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** Whether a session's access token has ended (a pasted token never has, as far as the page knows). */
export const hasEnded = (session: OperatorSession, now: number): boolean =>
  session.expiresAt !== undefined && session.expiresAt <= now;

/** The portal's own address, where the provider sends the browser back: `<origin>/portal/`, as registered. */
export const callbackUrl = (): string => new URL(import.meta.env.BASE_URL, location.origin).href;

/** The provider's answer on the callback (RFC 6749 §4.1.2): a code or an error, with the state; else undefined. */
export function signInAnswerOf(href: string): URL | undefined {
  const url = new URL(href);
  const { searchParams } = url;
  return searchParams.has('state') || searchParams.has('code') || searchParams.has('error') ? url : undefined;
}

/** The page's sign-in settings from its app: undefined when no provider is configured. */
export async function loadSignInSettings(): Promise<SignInSettings | undefined> {
  const response = await fetch('/v1/portal/sign-in', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the portal answered ${response.status} about its sign-in`);
  const { signIn } = (await readJsonAnswer(response, 'the sign-in settings')) as { signIn: SignInSettings | null };
  return signIn ?? undefined;
}

/** A plain http issuer is a developer's machine (the app refuses one in production). */
const insecure = (issuer: string) => ({ [oauth.allowInsecureRequests]: new URL(issuer).protocol === 'http:' });

/** OpenID Connect Discovery 1.0: the provider's endpoints, from a document whose `issuer` is exactly this one. */
async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(
    url,
    await oauth.discoveryRequest(url, { algorithm: 'oidc', ...insecure(issuer) }),
  );
}

/**
 * Starts the authorization code flow with PKCE (RFC 7636, S256) as the
 * portal's public client: the state and the code verifier stay in this
 * tab's sessionStorage, and the browser goes to the provider's sign-in.
 */
export async function beginSignIn(settings: SignInSettings): Promise<void> {
  const as = await discover(settings.issuer);
  if (!as.authorization_endpoint) throw new Error(`${settings.issuer} names no authorization endpoint`);
  const pending: PendingSignIn = {
    state: oauth.generateRandomState(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    redirectUri: callbackUrl(),
    issuer: settings.issuer,
    clientId: settings.clientId,
    resource: settings.resource,
  };
  const authorization = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: pending.clientId,
    response_type: 'code',
    redirect_uri: pending.redirectUri,
    scope: settings.scope,
    resource: pending.resource,
    state: pending.state,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  }))
    authorization.searchParams.set(name, value);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(authorization.href);
}

export type SignInOutcome = { ok: true; session: OperatorSession } | { ok: false; message: string };

/**
 * The provider's answer back on the portal: checked against the sign-in
 * this tab started (oauth4webapi: the state, the issuer, an error answer),
 * then the code exchanged at the token endpoint from the browser — with
 * the PKCE verifier and the resource — and the ID token checked. The
 * pending sign-in is used up first, so an answer is never taken twice.
 */
export async function completeSignIn(answer: URL): Promise<SignInOutcome> {
  const refuse = (message: string): SignInOutcome => ({ ok: false, message });
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!stored)
    return refuse(
      'This tab did not start a sign-in, or already finished it: the answer was not used and no token was asked for. Sign in again.',
    );
  const pending = readJson(stored, 'the sign-in this tab started') as PendingSignIn;
  const as = await discover(pending.issuer);
  const client: oauth.Client = { client_id: pending.clientId };
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(as, client, answer, pending.state);
  } catch (error) {
    if (answer.searchParams.get('state') !== pending.state)
      return refuse(
        'The answer does not belong to the sign-in this page started (its state differs): it was refused and no token was asked for. Sign in again.',
      );
    if (error instanceof oauth.AuthorizationResponseError)
      return refuse(
        `The identity provider did not sign you in: ${error.error_description ?? error.error} (${error.error}).`,
      );
    return refuse(`The identity provider's answer was refused: ${(error as Error).message}.`);
  }
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      parameters,
      pending.redirectUri,
      pending.codeVerifier,
      { additionalParameters: { resource: pending.resource }, ...insecure(pending.issuer) },
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    if (tokens.token_type.toLowerCase() !== 'bearer')
      return refuse(`The identity provider gave a ${tokens.token_type} token; the notary takes bearer tokens only.`);
    const subject = oauth.getValidatedIdTokenClaims(tokens)?.sub;
    return {
      ok: true,
      session: {
        bearer: tokens.access_token,
        via: 'sign-in',
        ...(subject ? { subject } : {}),
        ...(tokens.expires_in ? { expiresAt: Date.now() + tokens.expires_in * 1000 } : {}),
      },
    };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError)
      return refuse(
        `The identity provider gave no token: ${error.error_description ?? error.error} (${error.error}). Sign in again.`,
      );
    return refuse(`The sign-in could not be finished: ${(error as Error).message}. Sign in again.`);
  }
}
