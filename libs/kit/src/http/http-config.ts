import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

import { variables } from '@registry-bus/config';
import { isDepartmentId, readOwnerOnlyFile } from '@registry-bus/protocol';
import { z } from 'zod';

/** A PEM certificate file variable (the broker's CA too), checked as the others are. */
export const pemCertificateFile = z
  .string()
  .min(1)
  .superRefine((file, context) => problemOf(file, pemCertificateProblem, context));

/**
 * What every app serving HTTP reads from its environment — a department and
 * the portal alike (README, "Configuration"): where it listens, its
 * certificate, the CA of the apps it calls, the proxies it believes.
 */
export const httpServerShape = {
  /**
   * `production` (the default): the settings that are safe only on a
   * developer's machine are refused at start-up, each named. `development`:
   * `npm start`, the tests and the compose file (issue #25).
   */
  DEPLOYMENT_MODE: z.enum(['production', 'development']).default('production'),
  PORT: variables.port(3000),
  HOST: z.string().default('127.0.0.1'),
  /**
   * HTTPS (issue #25): the app's certificate chain and its private key
   * (PEM; the key file its owner's alone), both or neither. Without them the
   * app serves plain HTTP only when told so: behind a reverse proxy that
   * terminates TLS (TRUST_PROXY), or HTTP_DEV_PLAINTEXT=true in development.
   */
  TLS_CERT_FILE: pemCertificateFile.optional(),
  TLS_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .superRefine((file, context) => problemOf(file, privateKeyProblem, context)),
  /**
   * A CA (PEM) the app trusts, beside the system's, when it calls the other
   * apps over HTTPS: the notary asking heads, mirrors during recovery, the
   * portal relaying receipts.
   */
  TLS_CA_FILE: pemCertificateFile.optional(),
  /**
   * The reverse proxies (addresses or CIDR blocks, comma-separated) in front
   * of the app. Only a request from one of them may name the client's
   * address in X-Forwarded-For (the public rate limit counts by it); unset,
   * the address is the socket's, whatever a header says.
   */
  TRUST_PROXY: variables
    .commaList(z.string().refine(isAddressOrBlock, 'must be IP addresses or CIDR blocks, comma-separated (10.0.0.0/8)'))
    .optional(),
  /** Development only: serve plain HTTP with no proxy in front (a container network of one machine). */
  HTTP_DEV_PLAINTEXT: variables.boolean(false),
  LOG_LEVEL: variables.logLevel,
  /** Requests a minute one client address may make to the public routes (head, receipts, lookups). */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
};

/** The part of an app's configuration its HTTP server is made from. */
export interface HttpServerConfig {
  DEPLOYMENT_MODE: 'production' | 'development';
  PORT: number;
  HOST: string;
  TLS_CERT_FILE?: string | undefined;
  TLS_KEY_FILE?: string | undefined;
  TLS_CA_FILE?: string | undefined;
  TRUST_PROXY?: string[] | undefined;
  HTTP_DEV_PLAINTEXT: boolean;
}

/** The refusals about serving HTTP, each on the variable to change (a `superRefine` of every app's schema). */
export function httpServerProblems(config: HttpServerConfig, context: z.RefinementCtx): void {
  if (config.DEPLOYMENT_MODE === 'production' && config.HTTP_DEV_PLAINTEXT)
    context.addIssue({
      code: 'custom',
      path: ['HTTP_DEV_PLAINTEXT'],
      message: 'is for development only (DEPLOYMENT_MODE=development), refused in production',
    });
  if ((config.TLS_CERT_FILE === undefined) !== (config.TLS_KEY_FILE === undefined)) {
    const missing = config.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
    context.addIssue({ code: 'custom', path: [missing], message: 'is required when the other TLS_ file is set' });
  } else if (config.TLS_CERT_FILE === undefined && !config.TRUST_PROXY && !config.HTTP_DEV_PLAINTEXT)
    context.addIssue({
      code: 'custom',
      path: ['TLS_CERT_FILE'],
      message:
        'is required (with TLS_KEY_FILE): the app serves HTTPS. Behind a reverse proxy that terminates TLS, ' +
        'set TRUST_PROXY to its address instead; HTTP_DEV_PLAINTEXT=true serves plain HTTP in development',
    });
}

/** `land=https://127.0.0.1:3001,credit=…`: where each department's app answers (the notary's heads, the portal's relay). */
export const departmentUrls = z
  .string()
  .trim()
  .default('')
  .transform((value, context) => {
    const urls: Record<string, string> = {};
    for (const pair of value.split(',').filter(Boolean)) {
      const [department, url] = pair.split('=').map((part) => part.trim());
      if (!department || !isDepartmentId(department) || !url || !URL.canParse(url)) {
        context.addIssue({ code: 'custom', message: `'${pair}' is not <department>=<http url>` });
        return z.NEVER;
      }
      urls[department] = url.replace(/\/$/, '');
    }
    return urls;
  });

function problemOf(
  file: string | undefined,
  check: (file: string) => string | undefined,
  context: z.RefinementCtx,
): void {
  if (file === undefined) return;
  const problem = check(file);
  if (problem) context.addIssue({ code: 'custom', message: problem });
}

function isAddressOrBlock(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** Why `file` is not a private key only its owner may read (undefined: it is one). */
function privateKeyProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readOwnerOnlyFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `cannot read ${file}: ${code}` : (error as Error).message;
  }
  try {
    createPrivateKey(text);
    return undefined;
  } catch {
    return `${file} is not a PEM private key`;
  }
}

/** Why `file` is not a readable PEM certificate (undefined: it is one). */
function pemCertificateProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  try {
    new X509Certificate(text);
    return undefined;
  } catch {
    return `${file} is not a PEM certificate`;
  }
}
