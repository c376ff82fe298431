import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClientName } from '@registry-bus/bus';
import { trustCertificateAuthority } from '@registry-bus/kit';
import { loadConfig } from '@registry-bus/config';
import { parseStrictJson, readOwnerOnlyFile } from '@registry-bus/protocol';
import { ensureDevCa } from '@registry-bus/testing';
import { z } from 'zod';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where a second local stack may live beside the first (the test of
 * `npm start` itself runs one): its folder and the port of its notary, the
 * other apps on the next ports. Unset, `.local/` and 3000.
 */
const placement = loadConfig(
  z.object({
    REGISTRY_BUS_LOCAL_DIR: z.string().trim().min(1).default(join(ROOT, '.local')),
    REGISTRY_BUS_PORT_BASE: z.coerce.number().int().min(1024).max(65_000).default(3000),
  }),
);

/** Everything the local stack keeps lives here, so `npm run reset` can wipe it in one go. */
export const LOCAL_DIR = placement.REGISTRY_BUS_LOCAL_DIR;
export const STACK_FILE = join(LOCAL_DIR, 'stack.json');
export const STACK_PID_FILE = join(LOCAL_DIR, 'stack.pid');
export const KAFKA_DIR = join(LOCAL_DIR, 'kafka');
export const LOGS_DIR = join(LOCAL_DIR, 'logs');
export const KEYS_DIR = join(LOCAL_DIR, 'keys');
/** The development CA of the apps' HTTPS (a browser that should trust the portal imports `ca.crt`). */
export const HTTPS_CA_DIR = join(LOCAL_DIR, 'ca');

/** Where a local app answers: HTTPS, with a certificate of the stack's development CA. */
export function localUrl(port: number): string {
  return `https://127.0.0.1:${port}`;
}

/**
 * The apps' HTTPS settings: one certificate of the development CA (SANs
 * IP:127.0.0.1 and localhost, key 0600) for every app, and the CA they
 * trust for their calls to each other. Made on the first start, kept after.
 */
export function localHttps(): { TLS_CERT_FILE: string; TLS_KEY_FILE: string; TLS_CA_FILE: string } {
  const ca = ensureDevCa(HTTPS_CA_DIR);
  const certificate = ca.issue('apps');
  return { TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile, TLS_CA_FILE: ca.caFile };
}

/** This process (the stack, the demo, a CLI) trusts the local apps' CA, when the stack has made one. */
export function trustLocalApps(): void {
  const caFile = join(HTTPS_CA_DIR, 'ca.crt');
  if (existsSync(caFile)) trustCertificateAuthority(caFile);
}

/**
 * KAFKA_CLIENT as the apps read it (they inherit the environment), for the
 * stack's own admin clients; a bad value stops the start naming the variable.
 */
export function localKafkaClient(): KafkaClientName {
  return loadConfig(
    z.object({
      KAFKA_CLIENT: z
        .enum(KAFKA_CLIENTS, { error: `must be one of ${KAFKA_CLIENTS.join(', ')}` })
        .default(DEFAULT_KAFKA_CLIENT),
    }),
  ).KAFKA_CLIENT;
}

export const PORT_BASE = placement.REGISTRY_BUS_PORT_BASE;

/** The development OpenID provider (issue #26), on the port after the portal's. */
export const IDENTITY_PROVIDER_PORT = PORT_BASE + 7;
/** What `npm start` tells `npm run login` about its provider: the issuer, the users, the registers' audiences. */
export const IDENTITY_PROVIDER_FILE = join(LOCAL_DIR, 'identity-provider.json');
/** The issuer alias of the development provider: actors are `oidc:dev-id:<sub>`. */
export const DEV_ISSUER_ALIAS = 'dev-id';

/** A register's resource identifier at the development provider (its OIDC_AUDIENCE). */
export function devAudience(department: string): string {
  return `urn:registry-bus:${department}`;
}

/**
 * The public portal's app: not a department (no database, no broker user,
 * no key), started after the others with an environment of its own.
 */
export const PORTAL_APP = 'portal-server';

/** Default ports (DESIGN.md, "Names"), from PORT_BASE; an app missing here gets the next free slot from PORT_BASE + 100. */
export const APP_PORTS: Record<string, number> = Object.fromEntries(
  ['notary', 'land-registry', 'diploma-registry', 'court-registry', 'credit-registry', 'bond-registry', PORTAL_APP].map(
    (app, i) => [app, PORT_BASE + i],
  ),
);

/** Department id of an app: `land-registry` → `land`. */
export function departmentOf(app: string): string {
  return app.replace(/-registry$/, '');
}

export interface StackIdentity {
  /** Ties the databases in Postgres to this .local/ folder. */
  stackId: string;
  createdAt: string;
  /** Each app's own Postgres password (its login role `<database>_app`), local development only. */
  appPasswords: Record<string, string>;
  /** SASL/SCRAM passwords of the local broker's users: `admin` and one per department. */
  kafkaPasswords: Record<string, string>;
}

export function loadStackIdentity(): StackIdentity | undefined {
  return existsSync(STACK_FILE)
    ? (parseStrictJson(readOwnerOnlyFile(STACK_FILE), STACK_FILE) as StackIdentity)
    : undefined;
}

/** The stack's identity, with a password for every broker user and every app (one login each, issue #25). */
export function loadOrCreateStackIdentity(users: readonly string[], apps: readonly string[]): StackIdentity {
  const existing = loadStackIdentity();
  if (users.every((user) => existing?.kafkaPasswords?.[user]) && apps.every((app) => existing?.appPasswords?.[app]))
    return existing!;
  mkdirSync(LOCAL_DIR, { recursive: true });
  const identity: StackIdentity = {
    stackId: existing?.stackId ?? randomBytes(3).toString('hex'),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    // A stack.json from before kept one password for every app: each app gets its own now (its role is altered).
    appPasswords: Object.fromEntries(
      apps.map((app) => [app, existing?.appPasswords?.[app] ?? randomBytes(16).toString('hex')]),
    ),
    kafkaPasswords: Object.fromEntries(
      users.map((user) => [user, existing?.kafkaPasswords?.[user] ?? randomBytes(16).toString('hex')]),
    ),
  };
  writeFileSync(STACK_FILE, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  return identity;
}

/** Database names of the stack: `registry_bus_<stack id>_<department>`. */
export function databasePrefix(stackId: string): string {
  return `registry_bus_${stackId}_`;
}

export function databaseName(stackId: string, app: string): string {
  return `${databasePrefix(stackId)}${departmentOf(app).replace(/[^a-z0-9]/g, '_')}`;
}

/** The department apps that exist: every apps/<name>/src/main.ts but the portal's, notary first, then by port. */
export function discoverApps(): string[] {
  const apps = readdirSync(join(ROOT, 'apps')).filter(
    (name) => name !== PORTAL_APP && existsSync(join(ROOT, 'apps', name, 'src', 'main.ts')),
  );
  return apps.sort((a, b) => (APP_PORTS[a] ?? 9999) - (APP_PORTS[b] ?? 9999) || a.localeCompare(b));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a running `npm start` of this folder, if any. */
export function runningStackPid(): number | undefined {
  if (!existsSync(STACK_PID_FILE)) return undefined;
  const pid = Number(readFileSync(STACK_PID_FILE, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}
