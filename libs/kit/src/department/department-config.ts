import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS } from '@registry-bus/bus';
import { loadConfig, variables } from '@registry-bus/config';
import { MAX_SHARDS } from '@registry-bus/ledger';
import { readOwnerOnlyFile } from '@registry-bus/protocol';
import { z } from 'zod';

/** What every department app reads from its environment (README, "Configuration"). */
export const departmentConfigSchema = z
  .object({
    /**
     * `production` (the default): the settings that are safe only on a
     * developer's machine are refused at start-up, each named — a database
     * connection that does not verify the server (sslmode=verify-full), the
     * owner's migration URL in the running app, plain HTTP, a single broker,
     * a broker without a login. `development`: `npm start`, the tests and the
     * compose file (issue #25).
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
    TLS_CERT_FILE: z
      .string()
      .min(1)
      .optional()
      .superRefine((file, context) => problemOf(file, pemCertificateProblem, context)),
    TLS_KEY_FILE: z
      .string()
      .min(1)
      .optional()
      .superRefine((file, context) => problemOf(file, privateKeyProblem, context)),
    /**
     * A CA (PEM) the app trusts, beside the system's, when it calls the other
     * apps over HTTPS: the notary asking heads, mirrors during recovery.
     */
    TLS_CA_FILE: z
      .string()
      .min(1)
      .optional()
      .superRefine((file, context) => problemOf(file, pemCertificateProblem, context)),
    /**
     * The reverse proxies (addresses or CIDR blocks, comma-separated) in front
     * of the app. Only a request from one of them may name the client's
     * address in X-Forwarded-For (the public rate limit counts by it); unset,
     * the address is the socket's, whatever a header says.
     */
    TRUST_PROXY: variables
      .commaList(
        z.string().refine(isAddressOrBlock, 'must be IP addresses or CIDR blocks, comma-separated (10.0.0.0/8)'),
      )
      .optional(),
    /** Development only: serve plain HTTP with no proxy in front (a container network of one machine). */
    HTTP_DEV_PLAINTEXT: variables.boolean(false),
    DATABASE_URL: variables.postgresUrl,
    /** The owner connection that runs migrations at start-up; without it the app expects them done. */
    DATABASE_MIGRATIONS_URL: variables.postgresUrl.optional(),
    KAFKA_BROKERS: variables.brokerList,
    /** Which Kafka client the app speaks through (the port's adapters; docs/BENCHMARKS.md compares them). */
    KAFKA_CLIENT: z
      .enum(KAFKA_CLIENTS, { error: `must be one of ${KAFKA_CLIENTS.join(', ')}` })
      .default(DEFAULT_KAFKA_CLIENT),
    KAFKA_TOPIC_NAMESPACE: z
      .string()
      .regex(/^([a-z0-9][a-z0-9_-]*\.)?$/, 'must be empty or end with a dot, e.g. "staging."')
      .default(''),
    /**
     * Replicas of each topic the app creates; unset: three (docs/OPERATIONS.md,
     * "Topic settings"), or as many as there are brokers up to three with
     * KAFKA_DEV_SINGLE_BROKER.
     */
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).optional(),
    /**
     * Development only: accept fewer than three brokers and ledger topics with
     * fewer than three replicas. Without it the app refuses to start on a
     * ledger topic whose settings could lose an acknowledged record.
     */
    KAFKA_DEV_SINGLE_BROKER: variables.boolean(false),
    /** The department's broker user (SASL/SCRAM-SHA-512); both or neither. An open broker needs neither. */
    KAFKA_SASL_USERNAME: z.string().trim().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /**
     * The CA (PEM) the broker's certificate is checked against: TLS to Kafka,
     * hostname verified. Required with the SASL variables — a password is
     * never sent over plaintext.
     */
    KAFKA_SSL_CA_FILE: z
      .string()
      .min(1)
      .optional()
      .superRefine((file, context) => problemOf(file, pemCertificateProblem, context)),
    /** Folder holding this department's signing key (generated on first start in development). */
    KEYS_DIR: z.string().min(1),
    TRUST_BUNDLE_FILE: z.string().min(1),
    TRUST_ROOT_PUBLIC_KEY_FILE: z.string().min(1),
    LOG_LEVEL: variables.logLevel,
    /** Requests a minute one client address may make to the public routes (head, receipts, lookups). */
    PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /**
     * When the department's topic holds entries its database does not (the
     * database was lost, or restored from an older backup): `refuse` to start
     * (the default: writing on would fork history), or rebuild the ledger
     * `from-topic` first (README, "Recovery"); or, when the topic is gone
     * too, `from-mirror`: from the verified mirrors other departments keep
     * (LEDGER_RECOVERY_MIRRORS), then published again.
     */
    LEDGER_RECOVERY: z.enum(['refuse', 'from-topic', 'from-mirror']).default('refuse'),
    /** Base URLs of the departments whose mirrors `from-mirror` reads, comma-separated (e.g. http://credit:3004). */
    LEDGER_RECOVERY_MIRRORS: variables
      .commaList(z.url({ protocol: /^https?$/, error: 'must be http(s) URLs, comma-separated' }))
      .optional(),
    /**
     * When a command is answered: once `committed` to the ledger (the
     * default; the relay publishes it within its lag), or once `published`
     * to Kafka too (the department's off-site copy), at the cost measured by
     * `npm run bench -- reliability`; past LEDGER_ACK_TIMEOUT_MS it is a 503.
     */
    LEDGER_ACK: z.enum(['committed', 'published']).default('committed'),
    LEDGER_ACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /**
     * While commits keep arriving, how long the relay lets them gather
     * before it publishes the next batch (a lone command is published at
     * once). Fewer, larger batches cost every follower less; 0 publishes
     * each commit as soon as the previous batch is out.
     */
    LEDGER_RELAY_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(10),
    /**
     * Split the ledger into this many chains (`<dept>/0` …, a partition of
     * the department's topic each), every subject in one of them by a hash of
     * its id: for a register that outgrows one chain (docs/SCALING.md). Fixed
     * for the life of a ledger: a start with another count is refused.
     */
    LEDGER_SHARDS: z.coerce.number().int().min(1).max(MAX_SHARDS).default(1),
  })
  .superRefine((config, context) => {
    if (config.DEPLOYMENT_MODE === 'production') productionProblems(config, context);
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
    if (config.LEDGER_RECOVERY === 'from-mirror' && !config.LEDGER_RECOVERY_MIRRORS)
      context.addIssue({
        code: 'custom',
        path: ['LEDGER_RECOVERY_MIRRORS'],
        message: 'is required when LEDGER_RECOVERY=from-mirror: the departments keeping a mirror of this ledger',
      });
    if (config.KAFKA_SASL_USERNAME !== undefined && config.KAFKA_SSL_CA_FILE === undefined)
      context.addIssue({
        code: 'custom',
        path: ['KAFKA_SSL_CA_FILE'],
        message: 'is required with KAFKA_SASL_USERNAME: the broker password never crosses the network in clear',
      });
    if ((config.KAFKA_SASL_USERNAME === undefined) !== (config.KAFKA_SASL_PASSWORD === undefined)) {
      const missing = config.KAFKA_SASL_USERNAME === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD';
      context.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required when the other KAFKA_SASL_ variable is set',
      });
    }
  });

/** The kafkajs `sasl` option of a department's configuration, when it has broker credentials. */
export function kafkaSasl(
  config: Pick<DepartmentConfig, 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>,
): { mechanism: 'scram-sha-512'; username: string; password: string } | undefined {
  return config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
    ? { mechanism: 'scram-sha-512', username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD }
    : undefined;
}

/** The kafkajs-independent `ssl` option of a department's configuration: the CA it trusts, when it has one. */
export function kafkaSsl(config: Pick<DepartmentConfig, 'KAFKA_SSL_CA_FILE'>): { ca: string[] } | undefined {
  return config.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] } : undefined;
}

/** What production (DEPLOYMENT_MODE, its default) refuses, each problem on the variable to change. */
function productionProblems(
  config: {
    DATABASE_URL: string;
    DATABASE_MIGRATIONS_URL?: string | undefined;
    HTTP_DEV_PLAINTEXT: boolean;
    KAFKA_DEV_SINGLE_BROKER: boolean;
    KAFKA_SASL_USERNAME?: string | undefined;
  },
  context: z.RefinementCtx,
): void {
  const refuse = (variable: string, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  if (new URL(config.DATABASE_URL).searchParams.get('sslmode') !== 'verify-full')
    refuse(
      'DATABASE_URL',
      'must carry sslmode=verify-full in production: TLS to Postgres with its certificate and name checked ' +
        '(sslrootcert=<file> for a private CA); DEPLOYMENT_MODE=development on a developer machine',
    );
  if (config.DATABASE_MIGRATIONS_URL !== undefined)
    refuse(
      'DATABASE_MIGRATIONS_URL',
      "must not be set in production: the owner's credentials stay out of the running app — migrate first " +
        '(npm run migrate -- <app>, or the entry point with --migrate)',
    );
  for (const flag of ['HTTP_DEV_PLAINTEXT', 'KAFKA_DEV_SINGLE_BROKER'] as const)
    if (config[flag]) refuse(flag, 'is for development only (DEPLOYMENT_MODE=development), refused in production');
  if (config.KAFKA_SASL_USERNAME === undefined)
    refuse(
      'KAFKA_SASL_USERNAME',
      'is required in production: the app logs in to the broker as its own user (with KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE)',
    );
}

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

export type DepartmentConfig = z.infer<typeof departmentConfigSchema>;

export function loadDepartmentConfig(env?: Record<string, string | undefined>): DepartmentConfig {
  return loadConfig(departmentConfigSchema, env);
}
