import { resolve } from 'node:path';

import { loadConfig, variables } from '@registry-bus/config';
import { departmentUrls, httpServerProblems, httpServerShape } from '@registry-bus/kit';
import { z } from 'zod';

/**
 * What the portal must never be given: it serves the public, so it holds no
 * key, no password and no database — a portal that is broken into gives
 * away nothing it did not already publish (issue #25). Each is refused by
 * name, so a copied environment file cannot hand it one quietly.
 */
export const SECRETS_THE_PORTAL_REFUSES = [
  'DATABASE_URL',
  'DATABASE_MIGRATIONS_URL',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KEYS_DIR',
  'NOTARY_BROKER_ADMIN_USERNAME',
  'NOTARY_BROKER_ADMIN_PASSWORD',
] as const;

/** OAuth 2.0 scope tokens (RFC 6749 §3.3), space-separated. */
const SCOPE_TOKENS = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * Operators sign in to the operator view at the state's OpenID provider
 * (README, "Configuration"; docs/SECURITY.md, "Identity"): the page runs the
 * authorization code flow with PKCE as a public client and asks a token for
 * the notary, whose data the view shows. Unset PORTAL_OIDC_ISSUER: the view
 * takes a pasted token only (a service account's, the break-glass admin's).
 */
export const portalSignInShape = {
  PORTAL_OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: 'must be the https:// issuer URL of the OpenID provider' })
    .optional(),
  /** The portal's client at the provider: public (no secret, the browser holds nothing), PKCE S256. */
  PORTAL_OIDC_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be the client id the provider registered for the portal')
    .optional(),
  /** The resource indicator (RFC 8707) the token is asked for: the notary's OIDC_AUDIENCE. */
  PORTAL_OIDC_RESOURCE: z.string().trim().min(1).max(300).optional(),
  /** The scopes asked for; `openid` among them (the page names who signed in from the ID token). */
  PORTAL_OIDC_SCOPE: z
    .string()
    .regex(SCOPE_TOKENS, 'must be scope names separated by single spaces')
    .refine((scope) => scope.split(' ').includes('openid'), 'must include openid')
    .default('openid'),
};

/** The refusals about the operator's sign-in, each on the variable to change. */
function signInProblems(
  config: z.infer<z.ZodObject<typeof portalSignInShape>> & { DEPLOYMENT_MODE: string },
  context: z.RefinementCtx,
): void {
  const refuse = (variable: string, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  if (config.PORTAL_OIDC_ISSUER === undefined) {
    for (const variable of ['PORTAL_OIDC_CLIENT_ID', 'PORTAL_OIDC_RESOURCE'] as const)
      if (config[variable] !== undefined) refuse('PORTAL_OIDC_ISSUER', `is required when ${variable} is set`);
    return;
  }
  if (config.PORTAL_OIDC_CLIENT_ID === undefined)
    refuse('PORTAL_OIDC_CLIENT_ID', "is required with PORTAL_OIDC_ISSUER: the portal's public client at the provider");
  if (config.PORTAL_OIDC_RESOURCE === undefined)
    refuse(
      'PORTAL_OIDC_RESOURCE',
      "is required with PORTAL_OIDC_ISSUER: the notary's resource identifier (its OIDC_AUDIENCE)",
    );
  else if (config.PORTAL_OIDC_RESOURCE === config.PORTAL_OIDC_CLIENT_ID)
    refuse('PORTAL_OIDC_RESOURCE', 'must not be the client id: an ID token names the client as its audience');
  if (config.DEPLOYMENT_MODE === 'production' && !config.PORTAL_OIDC_ISSUER.startsWith('https://'))
    refuse('PORTAL_OIDC_ISSUER', 'must be https:// in production: the operators sign in there');
}

/** The portal's settings (README, "Configuration"): where it listens, whom it relays to, the page it serves. */
export const portalConfigSchema = z
  .object({
    ...httpServerShape,
    PORT: variables.port(3006),
    /** The notary's app: receipts of its ledger, and the operator view's data (relayed with the operator's token). */
    PORTAL_NOTARY_URL: z.url({ protocol: /^https?$/, error: 'must be the notary’s http(s) URL' }),
    /** The departments whose public status and receipts the pages show: `diploma=https://…,land=https://…`. */
    PORTAL_DEPARTMENT_URLS: departmentUrls,
    /** The signed trust bundle and the governance root the apps run with, handed to the browser for display. */
    TRUST_BUNDLE_FILE: z.string().min(1),
    TRUST_ROOT_PUBLIC_KEY_FILE: z.string().min(1),
    /** The built pages (`npm run build:portal` writes dist/portal). */
    PORTAL_DIR: z
      .string()
      .trim()
      .min(1)
      .default('dist/portal')
      .transform((dir) => resolve(dir)),
    ...portalSignInShape,
    ...Object.fromEntries(SECRETS_THE_PORTAL_REFUSES.map((name) => [name, z.string().optional()])),
  })
  .superRefine((config, context) => {
    httpServerProblems(config, context);
    signInProblems(config, context);
    for (const name of SECRETS_THE_PORTAL_REFUSES)
      if ((config as Record<string, unknown>)[name] !== undefined)
        context.addIssue({
          code: 'custom',
          path: [name],
          message:
            'must not be set for the portal: it serves the public and holds no key, password or database ' +
            '(start it with its own environment, not a department’s)',
        });
  });

export type PortalConfig = z.infer<typeof portalConfigSchema>;

export const loadPortalConfig = (env?: Record<string, string | undefined>) => loadConfig(portalConfigSchema, env);

/** What the page needs to sign an operator in, or undefined when no provider is configured. */
export interface PortalSignIn {
  issuer: string;
  clientId: string;
  resource: string;
  scope: string;
}

export function portalSignIn(config: PortalConfig): PortalSignIn | undefined {
  if (!config.PORTAL_OIDC_ISSUER || !config.PORTAL_OIDC_CLIENT_ID || !config.PORTAL_OIDC_RESOURCE) return undefined;
  return {
    issuer: config.PORTAL_OIDC_ISSUER,
    clientId: config.PORTAL_OIDC_CLIENT_ID,
    resource: config.PORTAL_OIDC_RESOURCE,
    scope: config.PORTAL_OIDC_SCOPE,
  };
}
