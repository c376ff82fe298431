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
    ...Object.fromEntries(SECRETS_THE_PORTAL_REFUSES.map((name) => [name, z.string().optional()])),
  })
  .superRefine((config, context) => {
    httpServerProblems(config, context);
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
