import { variables } from '@registry-bus/config';
import { z } from 'zod';

/**
 * The JWS algorithms an access token may be signed with: asymmetric only.
 * `none` is no signature, and an HS* token would be checked with a key the
 * provider shares (or, in the classic confusion, with its public key), so
 * neither can be configured.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** RFC 9068 §2.1: the `typ` header of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The most clock skew the checks of `exp`, `nbf` and `iat` tolerate (issue #26). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

const claimName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_:./-]{0,99}$/,
    'must be a claim name such as "department" or "https://gov.example/role"',
  );

const algorithm = z.string().superRefine((value, context) => {
  if ((ASYMMETRIC_ALGORITHMS as readonly string[]).includes(value)) return;
  context.addIssue({
    code: 'custom',
    message:
      value === 'none' || /^HS\d+$/i.test(value)
        ? `'${value}' is refused: only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')})`
        : `'${value}' is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
  });
});

/**
 * The variables of operator sign-in through the state's OpenID provider
 * (README, "Configuration"; docs/SECURITY.md, "Identity"). Unset
 * OIDC_ISSUER: only the opaque tokens (service accounts, break-glass admin).
 */
export const identityShape = {
  /** The provider's issuer identifier, compared exactly with `iss` and with its discovery document's `issuer`. */
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: 'must be the https:// issuer URL of the OpenID provider' })
    .optional(),
  /** A short name of the issuer for the envelopes' actor, `oidc:<alias>:<sub>` (never a person's name). */
  OIDC_ISSUER_ALIAS: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a short lower-case name such as "gov-id"')
    .optional(),
  /** This register as a resource server: `aud` must contain it. Not a client id (an ID token's `aud` is one). */
  OIDC_AUDIENCE: z.string().trim().min(1).max(300).optional(),
  /** The `typ` header access tokens carry (RFC 9068: at+jwt); a provider that types them otherwise says so here. */
  OIDC_ACCESS_TOKEN_TYP: z
    .string()
    .regex(/^[A-Za-z0-9.+/-]{1,100}$/, 'must be a media type such as "at+jwt"')
    .default(ACCESS_TOKEN_TYP),
  /** The signature algorithms accepted, comma-separated: asymmetric ones only. */
  OIDC_ALGORITHMS: variables.commaList(algorithm).default(['RS256', 'PS256', 'ES256', 'EdDSA']),
  OIDC_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(MAX_CLOCK_SKEW_SECONDS).default(30),
  /** The claims naming the operator's department, role (admin, clerk, auditor) and the bank or institution it acts for. */
  OIDC_DEPARTMENT_CLAIM: claimName.default('department'),
  OIDC_ROLE_CLAIM: claimName.default('roles'),
  OIDC_SCOPE_CLAIM: claimName.default('acts_for'),
  /**
   * What counts as multi-factor sign-in, which the write roles need: an `acr`
   * among OIDC_MFA_ACR, or an `amr` holding one of OIDC_MFA_AMR (RFC 8176).
   */
  OIDC_MFA_ACR: variables.commaList(z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be acr values')).optional(),
  OIDC_MFA_AMR: variables.commaList(z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be amr values')).default(['mfa']),
  /**
   * RFC 7662: where a provider that issues opaque access tokens answers what
   * one is. Set, a bearer token that is neither a JWT nor a Registry Bus
   * token is asked about there, as this register's client (HTTP Basic).
   */
  OIDC_INTROSPECTION_URL: z
    .url({ protocol: /^https?$/, error: "must be the https:// URL of the provider's introspection endpoint" })
    .optional(),
  OIDC_INTROSPECTION_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be the client id the provider registered for this register')
    .optional(),
  OIDC_INTROSPECTION_CLIENT_SECRET: z
    .string()
    .regex(/^[\x21-\x7e]{16,500}$/, 'must be the client secret: 16 to 500 visible ASCII characters')
    .optional(),
};

export interface IdentityConfig {
  DEPLOYMENT_MODE: 'production' | 'development';
  OIDC_ISSUER?: string | undefined;
  OIDC_ISSUER_ALIAS?: string | undefined;
  OIDC_AUDIENCE?: string | undefined;
  OIDC_ACCESS_TOKEN_TYP: string;
  OIDC_ALGORITHMS: string[];
  OIDC_CLOCK_SKEW_SECONDS: number;
  OIDC_DEPARTMENT_CLAIM: string;
  OIDC_ROLE_CLAIM: string;
  OIDC_SCOPE_CLAIM: string;
  OIDC_MFA_ACR?: string[] | undefined;
  OIDC_MFA_AMR: string[];
  OIDC_INTROSPECTION_URL?: string | undefined;
  OIDC_INTROSPECTION_CLIENT_ID?: string | undefined;
  OIDC_INTROSPECTION_CLIENT_SECRET?: string | undefined;
}

const INTROSPECTION_VARIABLES = [
  'OIDC_INTROSPECTION_URL',
  'OIDC_INTROSPECTION_CLIENT_ID',
  'OIDC_INTROSPECTION_CLIENT_SECRET',
] as const;

/** The refusals about sign-in, each on the variable to change (a `superRefine` of the department schema). */
export function identityProblems(config: IdentityConfig, context: z.RefinementCtx): void {
  const refuse = (variable: string, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  if (config.OIDC_ISSUER === undefined) {
    for (const variable of ['OIDC_ISSUER_ALIAS', 'OIDC_AUDIENCE', ...INTROSPECTION_VARIABLES] as const)
      if (config[variable] !== undefined) refuse('OIDC_ISSUER', `is required when ${variable} is set`);
    return;
  }
  // The three go together: an endpoint without our credentials could not be asked, credentials alone mean nothing.
  if (INTROSPECTION_VARIABLES.some((variable) => config[variable] !== undefined))
    for (const variable of INTROSPECTION_VARIABLES)
      if (config[variable] === undefined)
        refuse(
          variable,
          `is required with ${INTROSPECTION_VARIABLES.filter((other) => other !== variable).join(' and ')}`,
        );
  if (
    config.DEPLOYMENT_MODE === 'production' &&
    config.OIDC_INTROSPECTION_URL !== undefined &&
    !config.OIDC_INTROSPECTION_URL.startsWith('https://')
  )
    refuse('OIDC_INTROSPECTION_URL', 'must be https:// in production: the client secret and the tokens are sent to it');
  if (config.OIDC_ISSUER_ALIAS === undefined)
    refuse('OIDC_ISSUER_ALIAS', 'is required with OIDC_ISSUER: the actor of an entry is oidc:<alias>:<sub>');
  if (config.OIDC_AUDIENCE === undefined)
    refuse(
      'OIDC_AUDIENCE',
      "is required with OIDC_ISSUER: this register's resource identifier, which aud must contain",
    );
  if (config.DEPLOYMENT_MODE === 'production' && !config.OIDC_ISSUER.startsWith('https://'))
    refuse('OIDC_ISSUER', 'must be https:// in production: the signing keys are fetched from it');
}

/** What the verifier needs, once the configuration is known to be whole. */
export interface IdentitySettings {
  issuer: string;
  alias: string;
  audience: string;
  typ: string;
  algorithms: string[];
  clockSkewSeconds: number;
  claims: { department: string; role: string; scope: string };
  mfa: { acr: string[]; amr: string[] };
  /** Whether the issuer and its JWKS may be plain http (development on one machine). */
  allowHttp: boolean;
  /** RFC 7662 introspection of opaque access tokens, when the provider issues them. */
  introspection?: { url: string; clientId: string; clientSecret: string } | undefined;
}

/** The sign-in settings of a validated configuration, or undefined when no provider is configured. */
export function identitySettings(config: IdentityConfig): IdentitySettings | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_ISSUER_ALIAS || !config.OIDC_AUDIENCE) return undefined;
  return {
    issuer: config.OIDC_ISSUER,
    alias: config.OIDC_ISSUER_ALIAS,
    audience: config.OIDC_AUDIENCE,
    typ: config.OIDC_ACCESS_TOKEN_TYP,
    algorithms: config.OIDC_ALGORITHMS,
    clockSkewSeconds: config.OIDC_CLOCK_SKEW_SECONDS,
    claims: { department: config.OIDC_DEPARTMENT_CLAIM, role: config.OIDC_ROLE_CLAIM, scope: config.OIDC_SCOPE_CLAIM },
    mfa: { acr: config.OIDC_MFA_ACR ?? [], amr: config.OIDC_MFA_AMR },
    allowHttp: config.DEPLOYMENT_MODE === 'development',
    ...(config.OIDC_INTROSPECTION_URL && config.OIDC_INTROSPECTION_CLIENT_ID && config.OIDC_INTROSPECTION_CLIENT_SECRET
      ? {
          introspection: {
            url: config.OIDC_INTROSPECTION_URL,
            clientId: config.OIDC_INTROSPECTION_CLIENT_ID,
            clientSecret: config.OIDC_INTROSPECTION_CLIENT_SECRET,
          },
        }
      : {}),
  };
}
