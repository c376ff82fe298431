import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Why a bearer JWT was refused; a bounded set, so it can label a metric. */
export type TokenRefusal =
  | 'malformed'
  | 'algorithm'
  | 'typ'
  | 'unknown-key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims'
  | 'id-token'
  /** RFC 7662: the provider answered `active: false` (expired, revoked, or never its token). */
  | 'inactive';

export type TokenVerdict =
  { ok: true; claims: JWTPayload & Record<string, unknown> } | { ok: false; refusal: TokenRefusal; detail: string };

export interface AccessTokenExpectations {
  issuer: string;
  audience: string;
  typ: string;
  algorithms: string[];
  clockSkewSeconds: number;
  /** Seconds since the epoch; unset: now. */
  currentDate?: Date;
}

/**
 * The provider's keys could not be fetched, or its introspection endpoint
 * did not answer: the token is neither good nor bad yet (a 503, not a 401).
 */
export class KeySourceUnavailable extends Error {
  override readonly name = 'KeySourceUnavailable';
}

/**
 * RFC 9068 §2.2: what every JWT access token carries. `client_id` in
 * particular is absent from an ID token, whose `aud` is the client instead.
 */
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];

/**
 * Claims only an ID token carries (OpenID Connect Core §2, §3.1.3.6, §3.3.2.11):
 * refused even where the provider types its access tokens "JWT" too.
 */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

/**
 * Verifies a bearer JWT as an RFC 9068 access token for this resource
 * server (§4): signature under a key of `keys` with an allowed algorithm,
 * the `typ` header, exact `iss`, `aud` containing our audience, `exp`/`nbf`/
 * `iat` within the skew, the required claims, and not an ID token. Pure but
 * for `keys`, which the caller builds (a remote JWKS in the apps).
 */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  expected: AccessTokenExpectations,
): Promise<TokenVerdict> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      issuer: expected.issuer,
      audience: expected.audience,
      typ: expected.typ,
      algorithms: expected.algorithms,
      clockTolerance: expected.clockSkewSeconds,
      requiredClaims: REQUIRED_CLAIMS,
      ...(expected.currentDate ? { currentDate: expected.currentDate } : {}),
    }));
  } catch (error) {
    if (error instanceof KeySourceUnavailable) throw error;
    return refusalOf(error, expected);
  }
  // jose checks iat only against a maximum age; a token minted ahead of our clock (past the skew) is refused too.
  const now = Math.floor((expected.currentDate ?? new Date()).getTime() / 1000);
  if (typeof claims.iat === 'number' && claims.iat > now + expected.clockSkewSeconds)
    return { ok: false, refusal: 'not-yet-valid', detail: "the token's iat lies in the future" };
  const idTokenClaim = ID_TOKEN_CLAIMS.find((name) => name in claims);
  if (idTokenClaim !== undefined)
    return {
      ok: false,
      refusal: 'id-token',
      detail: `the token carries '${idTokenClaim}': an ID token is not an access token; send the access token`,
    };
  if (typeof claims.sub !== 'string' || !/^[\x21-\x7e]{1,160}$/.test(claims.sub))
    return { ok: false, refusal: 'claims', detail: "the token's sub is not 1 to 160 visible ASCII characters" };
  return { ok: true, claims: claims as JWTPayload & Record<string, unknown> };
}

function refusalOf(error: unknown, expected: AccessTokenExpectations): TokenVerdict & { ok: false } {
  const refused = (refusal: TokenRefusal, detail: string) => ({ ok: false as const, refusal, detail });
  if (error instanceof errors.JWTExpired) return refused('expired', 'the token has expired; sign in again');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return refused('issuer', `the token was not issued by ${expected.issuer}`);
      case 'aud':
        return refused('audience', `the token is not meant for ${expected.audience} (aud)`);
      case 'typ':
        return refused(
          'typ',
          `the token's typ is not ${expected.typ}: only access tokens are accepted, never ID tokens`,
        );
      case 'nbf':
      case 'iat':
        return refused('not-yet-valid', `the token's ${error.claim} lies in the future`);
      default:
        return refused('claims', `the token's ${error.claim} claim is missing or wrong: ${error.reason}`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return refused('algorithm', `the token's algorithm is not accepted (only ${expected.algorithms.join(', ')})`);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return refused('unknown-key', "the token's key is not one of the provider's");
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('signature', 'the signature is wrong');
  return refused('malformed', 'the token is not a well-formed signed JWT');
}
