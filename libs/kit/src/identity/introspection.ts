import { createHash } from 'node:crypto';

import * as oauth from 'oauth4webapi';

import { KeySourceUnavailable, type TokenVerdict } from './access-token.js';
import type { IdentitySettings } from './identity-config.js';

export interface IntrospectionExpectations {
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  /** Unset: now. */
  currentDate?: Date;
}

/** The longest a positive answer is reused: a token revoked at the provider is refused here within a minute. */
export const INTROSPECTION_CACHE_SECONDS = 60;
/** At most this many answers are kept; a flood of distinct good tokens cannot grow the process without bound. */
const CACHE_ENTRIES = 10_000;
const INTROSPECTION_TIMEOUT_MS = 5_000;

const audiences = (aud: unknown): string[] | undefined =>
  typeof aud === 'string'
    ? [aud]
    : Array.isArray(aud) && aud.every((item) => typeof item === 'string')
      ? (aud as string[])
      : undefined;

/**
 * RFC 7662 §2.2: what the provider's introspection answer must say before
 * its claims name an operator — `active: true`, the exact issuer, an `aud`
 * containing this register, an `exp` not past (within the skew), no `nbf`/
 * `iat` ahead of us, a `sub`, a bearer token (not a refresh token, not a
 * sender-constrained one we could not check the proof of). The same
 * expectations as a JWT access token's (access-token.ts), read from JSON
 * the provider vouches for instead of a signature. Pure.
 */
export function checkIntrospection(answer: Record<string, unknown>, expected: IntrospectionExpectations): TokenVerdict {
  if (answer.active !== true)
    return {
      ok: false,
      refusal: 'inactive',
      detail: 'the provider says the token is not active (expired, revoked or never issued); sign in again',
    };
  if (answer.iss !== expected.issuer)
    return { ok: false, refusal: 'issuer', detail: `the token was not issued by ${expected.issuer}` };
  if (!audiences(answer.aud)?.includes(expected.audience))
    return { ok: false, refusal: 'audience', detail: `the token is not meant for ${expected.audience} (aud)` };
  const now = Math.floor((expected.currentDate ?? new Date()).getTime() / 1000);
  if (typeof answer.exp !== 'number')
    return { ok: false, refusal: 'claims', detail: 'the introspection answer names no exp' };
  if (answer.exp <= now - expected.clockSkewSeconds)
    return { ok: false, refusal: 'expired', detail: 'the token has expired; sign in again' };
  for (const claim of ['nbf', 'iat'] as const) {
    const value = answer[claim];
    if (value !== undefined && (typeof value !== 'number' || value > now + expected.clockSkewSeconds))
      return { ok: false, refusal: 'not-yet-valid', detail: `the token's ${claim} lies in the future` };
  }
  if (typeof answer.sub !== 'string' || !/^[\x21-\x7e]{1,160}$/.test(answer.sub))
    return { ok: false, refusal: 'claims', detail: "the token's sub is not 1 to 160 visible ASCII characters" };
  // RFC 7662 §2.2 token_type (RFC 6749 §7.1): a provider names a refresh token's type otherwise, or not at all.
  if (typeof answer.token_type !== 'string' || answer.token_type.toLowerCase() !== 'bearer')
    return {
      ok: false,
      refusal: 'claims',
      detail: `the token's token_type is ${JSON.stringify(answer.token_type ?? null)}, not Bearer: only access tokens are accepted`,
    };
  // RFC 9449 §7.1 / RFC 8705 §3: a token bound to a key or certificate is not accepted without the proof we do not check.
  if (answer.cnf !== undefined)
    return {
      ok: false,
      refusal: 'claims',
      detail: 'the token is sender-constrained (cnf); this register takes plain bearer tokens only',
    };
  return { ok: true, claims: answer };
}

/**
 * Asks the provider about an opaque access token (RFC 7662 §2.1), as this
 * register's confidential client, through `oauth4webapi`. Positive answers
 * are kept for at most min(exp, 60 s), keyed by the token's SHA-256 (the
 * token itself is not kept); negative ones never, so a token that becomes
 * good is not refused from memory, and a flood of bad ones costs the
 * provider, which rate-limits its own endpoint, not us our memory. A
 * provider out of reach, or refusing our credentials, is KeySourceUnavailable
 * (a 503): the token is neither good nor bad yet.
 */
export class TokenIntrospector {
  private readonly cache = new Map<string, { claims: Record<string, unknown>; until: number }>();
  private readonly server: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;

  constructor(
    private readonly settings: Pick<IdentitySettings, 'issuer' | 'audience' | 'clockSkewSeconds' | 'allowHttp'> & {
      introspection: NonNullable<IdentitySettings['introspection']>;
    },
    private readonly now: () => number = Date.now,
  ) {
    this.server = { issuer: settings.issuer, introspection_endpoint: settings.introspection.url };
    this.client = { client_id: settings.introspection.clientId };
    this.clientAuth = oauth.ClientSecretBasic(settings.introspection.clientSecret);
  }

  async introspect(token: string): Promise<TokenVerdict> {
    const key = createHash('sha256').update(token, 'utf8').digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return { ok: true, claims: cached.claims };
    if (cached) this.cache.delete(key);
    const answer = await this.ask(token);
    const verdict = checkIntrospection(answer, { ...this.settings, currentDate: new Date(this.now()) });
    if (verdict.ok) {
      const until = Math.min((answer.exp as number) * 1000, this.now() + INTROSPECTION_CACHE_SECONDS * 1000);
      if (until > this.now()) {
        // A Map iterates in insertion order: the first key is the oldest answer.
        if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(key, { claims: verdict.claims, until });
      }
    }
    return verdict;
  }

  private async ask(token: string): Promise<Record<string, unknown>> {
    const url = this.settings.introspection.url;
    try {
      const response = await oauth.introspectionRequest(this.server, this.client, this.clientAuth, token, {
        additionalParameters: { token_type_hint: 'access_token' },
        signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
        [oauth.allowInsecureRequests]: this.settings.allowHttp,
      });
      return (await oauth.processIntrospectionResponse(this.server, this.client, response)) as Record<string, unknown>;
    } catch (error) {
      // Unreachable, a 5xx, our credentials refused (invalid_client), or not an answer: not the token's fault.
      const reason =
        error instanceof oauth.ResponseBodyError
          ? `${error.status} ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`
          : error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
            : String(error);
      throw new KeySourceUnavailable(`the introspection endpoint ${url} did not answer: ${reason}`);
    }
  }
}
