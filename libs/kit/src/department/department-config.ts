import { readFileSync } from 'node:fs';

import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS } from '@registry-bus/bus';
import { loadConfig, variables } from '@registry-bus/config';
import { MAX_SHARDS } from '@registry-bus/ledger';
import { z } from 'zod';

import { httpServerProblems, httpServerShape, pemCertificateFile } from '../http/http-config.js';
import { identityProblems, identityShape } from '../identity/identity-config.js';
import { checkpointOriginPrefix } from '../witness/checkpoints/checkpoint-origin.js';

/** What every department app reads from its environment (README, "Configuration"). */
export const departmentConfigSchema = z
  .object({
    ...httpServerShape,
    /** Operators signed in through the state's OpenID provider (issue #26). */
    ...identityShape,
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
    KAFKA_SSL_CA_FILE: pemCertificateFile.optional(),
    /** Folder holding this department's signing key (generated on first start in development). */
    KEYS_DIR: z.string().min(1),
    TRUST_BUNDLE_FILE: z.string().min(1),
    TRUST_ROOT_PUBLIC_KEY_FILE: z.string().min(1),
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
    /**
     * How far a followed entry's claimed time may be ahead of this clock, or
     * behind the entry before it, before the entry is held (issue #24).
     */
    KEY_TIME_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** The checkpoints' origins are `<prefix>/<chain>`: the notary signs and every department witnesses under it. */
    CHECKPOINT_ORIGIN_PREFIX: checkpointOriginPrefix,
  })
  .superRefine((config, context) => {
    if (config.DEPLOYMENT_MODE === 'production') productionProblems(config, context);
    httpServerProblems(config, context);
    identityProblems(config, context);
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
  if (config.KAFKA_DEV_SINGLE_BROKER)
    refuse('KAFKA_DEV_SINGLE_BROKER', 'is for development only (DEPLOYMENT_MODE=development), refused in production');
  if (config.KAFKA_SASL_USERNAME === undefined)
    refuse(
      'KAFKA_SASL_USERNAME',
      'is required in production: the app logs in to the broker as its own user (with KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE)',
    );
}

export type DepartmentConfig = z.infer<typeof departmentConfigSchema>;

export function loadDepartmentConfig(env?: Record<string, string | undefined>): DepartmentConfig {
  return loadConfig(departmentConfigSchema, env);
}
