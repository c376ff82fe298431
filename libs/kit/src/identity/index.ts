export {
  ACCESS_TOKEN_TYP,
  ASYMMETRIC_ALGORITHMS,
  MAX_CLOCK_SKEW_SECONDS,
  identityProblems,
  identitySettings,
  identityShape,
  type IdentityConfig,
  type IdentitySettings,
} from './identity-config.js';
export {
  KeySourceUnavailable,
  verifyAccessToken,
  type AccessTokenExpectations,
  type TokenRefusal,
  type TokenVerdict,
} from './access-token.js';
export {
  INTROSPECTION_CACHE_SECONDS,
  TokenIntrospector,
  checkIntrospection,
  type IntrospectionExpectations,
} from './introspection.js';
export { oidcActor, operatorOfClaims, type OperatorVerdict } from './operator-claims.js';
export { OidcVerifier, discoverJwksUri, looksLikeJwt, type Authentication } from './oidc-verifier.js';
export { IdentityMetrics } from './identity-metrics.js';
export const OIDC_VERIFIER = Symbol('OIDC_VERIFIER');
export const IDENTITY_METRICS = Symbol('IDENTITY_METRICS');
