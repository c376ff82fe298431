// `npm start [-- --no-demo] [--brokers <n>]` (and `npm run recover -- <department>
// [--from-mirror]`, which starts the stack with that department rebuilding
// its ledger from its topic — or, with --from-mirror, from the mirrors the
// other apps keep, starting it last — first, and no demo): the whole local stack — Kafka (through the
// launcher unless KAFKA_BROKERS is set: one broker, or with --brokers a cluster
// of n brokers, docs/SCALING.md), a database per app in Postgres
// (DATABASE_URL as the admin connection, else the local server), every app
// that exists — then a demo that shows it working. Ctrl-C stops it in order;
// the next start finds the same Kafka data and databases (.local/stack.json).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { brokerAcls, kafkaTransport } from '@registry-bus/bus';
import { DEPARTMENTS, ensureDevTrust, fromBase64, parseStrictJson, rootFingerprint } from '@registry-bus/protocol';
import {
  API_DOCS_CALLBACK_PATH,
  CLUSTER_FILE,
  DEV_ACR_MFA,
  DEV_PORTAL_CLIENT_ID,
  DevIdentityProvider,
  PORTAL_CALLBACK_PATH,
  devUsers,
  KafkaCluster,
  KafkaLauncher,
  LOCAL_POSTGRES_ADMIN_URL,
  withDatabase,
} from '@registry-bus/testing';
import pg from 'pg';
import { build as buildPortal } from 'vite';

import { AppProcess } from './app-process.js';
import { runDemo } from './demo.js';
import { DEV_TOKENS_FILE, issueDevTokens } from './dev-tokens.js';
import {
  APP_PORTS,
  DEV_ISSUER_ALIAS,
  IDENTITY_PROVIDER_FILE,
  IDENTITY_PROVIDER_PORT,
  devAudience,
  KAFKA_DIR,
  PORT_BASE,
  KEYS_DIR,
  LOCAL_DIR,
  LOGS_DIR,
  STACK_PID_FILE,
  databaseName,
  databasePrefix,
  departmentOf,
  ROOT,
  discoverApps,
  PORTAL_APP,
  loadOrCreateStackIdentity,
  runningStackPid,
  localKafkaClient,
  localHttps,
  localUrl,
  trustLocalApps,
} from './local-stack.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** The app's login: a role of its own, made a member of `<db>_writer` by the app's migration step. */
async function ensureLoginRole(adminUrl: string, role: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
    await client.query(`${verb} ROLE "${role}" LOGIN PASSWORD '${password}'`);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot reach Postgres at ${adminUrl.replace(/:[^:@/]+@/, ':***@')} (${(error as Error).message}); ` +
        'start it, or set DATABASE_URL to a Postgres where this user may create databases',
    );
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, database);
}

/**
 * What every department may do before any grant: its own topics, the
 * notary's ledger (and the notary every ledger). Only adds: the ACLs the
 * grants gave stay until the notary's steward has re-read the grants.
 */
async function createBaseAcls(
  brokers: string,
  sasl: NonNullable<ReturnType<KafkaLauncher['saslOf']>>,
  ssl: { ca: string[] },
): Promise<void> {
  const admin = kafkaTransport({
    client: localKafkaClient(),
    clientId: 'registry-bus-start',
    brokers: brokers.split(','),
    sasl,
    ssl,
  }).admin();
  await admin.connect();
  try {
    await admin.createAcls(brokerAcls({ departments: DEPARTMENTS, grants: [], notary: 'notary' }));
  } finally {
    await admin.disconnect();
  }
}

/** `--brokers <n>`: the local Kafka as a cluster of n brokers (1, the default, is the single broker). */
function brokerCountArgument(): number {
  const at = process.argv.indexOf('--brokers');
  if (at < 0) return 1;
  const raw = process.argv[at + 1] ?? '';
  if (!/^[1-9]$/.test(raw)) throw new Error(`--brokers takes a number of brokers from 1 to 9, not '${raw}'`);
  return Number(raw);
}

/** How many brokers the Kafka data in .local/ was made with, if any. */
function localBrokerCount(): number | undefined {
  const clusterFile = join(KAFKA_DIR, CLUSTER_FILE);
  if (existsSync(clusterFile))
    return (parseStrictJson(readFileSync(clusterFile, 'utf8'), clusterFile) as { brokers: number }).brokers;
  return existsSync(join(KAFKA_DIR, 'instance.json')) ? 1 : undefined;
}

async function main(): Promise<void> {
  const recoverAt = process.argv.indexOf('--recover');
  const recover = recoverAt >= 0 ? process.argv[recoverAt + 1] : undefined;
  if (recoverAt >= 0 && (!recover || !(DEPARTMENTS as readonly string[]).includes(recover)))
    throw new Error(`npm run recover -- <department> [--from-mirror]: one of ${DEPARTMENTS.join(', ')}`);
  const fromMirror = process.argv.includes('--from-mirror');
  if (fromMirror && !recover) throw new Error('--from-mirror goes with npm run recover -- <department>');
  const demo = !process.argv.includes('--no-demo') && !recover;
  const brokerCount = brokerCountArgument();
  const madeWith = process.env.KAFKA_BROKERS?.trim() ? undefined : localBrokerCount();
  if (madeWith !== undefined && madeWith !== brokerCount)
    throw new Error(
      `the Kafka data in ${KAFKA_DIR} was made with ${madeWith} broker${madeWith === 1 ? '' : 's'}, not ${brokerCount}: ` +
        `start it as it was (npm start${madeWith === 1 ? '' : ` -- --brokers ${madeWith}`}) or wipe the local stack ` +
        'with npm run reset (its data and databases) and start again',
    );
  const other = runningStackPid();
  if (other) throw new Error(`the local stack is already running (pid ${other}); stop it with Ctrl-C first`);

  mkdirSync(LOGS_DIR, { recursive: true });
  mkdirSync(KEYS_DIR, { recursive: true });
  writeFileSync(STACK_PID_FILE, `${process.pid}\n`);
  const brokerUsers = ['admin', ...DEPARTMENTS];
  const { stackId, appPasswords, kafkaPasswords } = loadOrCreateStackIdentity(brokerUsers, discoverApps());
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;

  const apps: AppProcess[] = [];
  let kafka: KafkaLauncher | KafkaCluster | undefined;
  let identity: DevIdentityProvider | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    print('\nstopping the local stack…');
    await Promise.all(apps.map((app) => app.stop()));
    if (identity) await identity.stop();
    if (kafka) await kafka.stop();
    rmSync(STACK_PID_FILE, { force: true });
    print(`stopped; data kept in ${LOCAL_DIR} (npm run reset wipes it)`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    let brokers = process.env.KAFKA_BROKERS?.trim();
    // The local broker has a user per department and ACLs from the grants (README, "Access rights").
    let secured = false;
    // Fewer than three brokers is a development Kafka: the apps accept its ledger topics only when told so.
    let devSingleBroker = process.env.KAFKA_DEV_SINGLE_BROKER;
    if (!brokers) {
      const options = {
        dir: KAFKA_DIR,
        log: (message: string) => print(`kafka             ${message}`),
        security: {
          admin: { username: 'admin', password: kafkaPasswords.admin! },
          users: DEPARTMENTS.map((username) => ({ username, password: kafkaPasswords[username]! })),
        },
      };
      kafka = brokerCount === 1 ? new KafkaLauncher(options) : new KafkaCluster({ ...options, brokers: brokerCount });
      devSingleBroker = brokerCount < 3 ? 'true' : 'false';
      brokers = await kafka.start();
      secured = true;
      await createBaseAcls(brokers, kafka.saslOf('admin')!, kafka.clientSsl()!);
      print(
        `kafka             users admin, ${DEPARTMENTS.join(', ')} (SASL/SCRAM); ACLs: own topics, the notary's ledger, and what the grants give`,
      );
    } else {
      print(`kafka             using KAFKA_BROKERS=${brokers}`);
    }

    const trust = await ensureDevTrust(LOCAL_DIR, DEPARTMENTS);
    print(
      `trust             bundle v${trust.signed.bundle.version} with ${trust.signed.bundle.departments.length} departments (${trust.bundleFile})`,
    );

    // The portal's app serves dist/portal: built from the current sources at every start, after the
    // dev trust, because the page trusts the root built into it (.local/trust-root.pub, or PORTAL_TRUST_ROOT_FILE).
    await buildPortal({ configFile: join(ROOT, 'apps', 'portal', 'vite.config.ts'), logLevel: 'warn' });
    const portalRoot = process.env.PORTAL_TRUST_ROOT_FILE || trust.rootPublicKeyFile;
    print(
      `portal            built into ${join(ROOT, 'dist', 'portal')}, trusting the root ${rootFingerprint(fromBase64(readFileSync(portalRoot, 'utf8').trim()))}`,
    );

    // Every app serves HTTPS and calls the others over it; this process (health checks, the demo) trusts the CA too.
    const https = localHttps();
    trustLocalApps();
    print(`https             every app, certificates of the development CA ${https.TLS_CA_FILE}`);

    const names = discoverApps();
    let extraPort = PORT_BASE + 100;
    const ports = new Map(names.map((name) => [name, APP_PORTS[name] ?? extraPort++]));
    const portalUrl = localUrl(APP_PORTS[PORTAL_APP]!);

    // The development OpenID provider (issue #26): operators sign in there (code + PKCE) and every register
    // takes its access tokens. In this process, over HTTPS with the apps' certificate; its state in memory.
    // The browser clients' callbacks: the portal's page, and Swagger UI's oauth2-redirect.html on every app.
    identity = await DevIdentityProvider.start({
      users: devUsers(DEPARTMENTS),
      audiences: DEPARTMENTS.map(devAudience),
      tls: { certFile: https.TLS_CERT_FILE, keyFile: https.TLS_KEY_FILE },
      port: IDENTITY_PROVIDER_PORT,
      portalRedirectUris: [`${portalUrl}${PORTAL_CALLBACK_PATH}`],
      apiDocsRedirectUris: [...ports.values()].map((port) => `${localUrl(port)}${API_DOCS_CALLBACK_PATH}`),
    });
    writeFileSync(
      IDENTITY_PROVIDER_FILE,
      `${JSON.stringify({ issuer: identity.issuer, users: identity.users.map((user) => user.sub) }, null, 2)}\n`,
      { mode: 0o600 },
    );
    print(`identity          OpenID provider ${identity.issuer}: a development user per department and role`);
    const oidc = (department: string) => ({
      OIDC_ISSUER: identity!.issuer,
      OIDC_ISSUER_ALIAS: DEV_ISSUER_ALIAS,
      OIDC_AUDIENCE: devAudience(department),
      OIDC_MFA_ACR: DEV_ACR_MFA,
    });

    const owners: Array<{ department: string; ownerUrl: string }> = [];
    if (names.length === 0) print('no apps yet (apps/*/src/main.ts)');
    // The notary fetches each department's signed head to check it before anchoring.
    const departmentUrls = names
      .filter((name) => name !== 'notary')
      .map((name) => `${departmentOf(name)}=${localUrl(ports.get(name)!)}`)
      .join(',');
    // Recovering from mirrors: the others first, so that their mirrors answer.
    const order = [...names].sort((a, b) => Number(departmentOf(a) === recover) - Number(departmentOf(b) === recover));
    const mirrorUrls = names
      .filter((name) => departmentOf(name) !== recover)
      .map((name) => localUrl(ports.get(name)!))
      .join(',');
    for (const name of order) {
      const port = ports.get(name)!;
      const database = databaseName(stackId, name);
      const ownerUrl = await ensureDatabase(adminUrl, database);
      owners.push({ department: departmentOf(name), ownerUrl });
      await ensureLoginRole(adminUrl, `${database}_app`, appPasswords[name]!);
      const databaseUrl = withDatabase(adminUrl, database, { user: `${database}_app`, password: appPasswords[name]! });
      const app = new AppProcess(
        name,
        port,
        {
          // A developer's stack: one Postgres without TLS, the owner migrating at start, maybe one broker.
          DEPLOYMENT_MODE: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          ...https,
          DATABASE_URL: databaseUrl,
          DATABASE_MIGRATIONS_URL: ownerUrl,
          TRUST_BUNDLE_FILE: trust.bundleFile,
          TRUST_ROOT_PUBLIC_KEY_FILE: trust.rootPublicKeyFile,
          KAFKA_BROKERS: brokers,
          ...(devSingleBroker !== undefined ? { KAFKA_DEV_SINGLE_BROKER: devSingleBroker } : {}),
          KEYS_DIR: `${KEYS_DIR}/${departmentOf(name)}`,
          ...oidc(departmentOf(name)),
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
          // npm run recover -- <department>: its ledger is rebuilt from its topic (or the mirrors) before it opens.
          ...(recover === departmentOf(name)
            ? fromMirror
              ? { LEDGER_RECOVERY: 'from-mirror', LEDGER_RECOVERY_MIRRORS: mirrorUrls }
              : { LEDGER_RECOVERY: 'from-topic' }
            : {}),
          ...(name === 'notary' ? { NOTARY_DEPARTMENT_URLS: departmentUrls } : {}),
          ...(secured
            ? {
                KAFKA_SASL_USERNAME: departmentOf(name),
                KAFKA_SASL_PASSWORD: kafkaPasswords[departmentOf(name)]!,
                KAFKA_SSL_CA_FILE: kafka!.caFile!,
                // The notary sees every grant entry: it keeps the broker's ACLs in step with them.
                ...(name === 'notary'
                  ? {
                      NOTARY_BROKER_ADMIN_USERNAME: 'admin',
                      NOTARY_BROKER_ADMIN_PASSWORD: kafkaPasswords.admin!,
                      NOTARY_BROKER_DEPARTMENTS: DEPARTMENTS.join(','),
                    }
                  : {}),
              }
            : {}),
        },
        print,
      );
      apps.push(app);
      app.start();
    }
    // The public portal, an app of its own beside the notary (issue #25): the pages and a relay of what they
    // read, started with nothing of this process's environment — no database, broker login or key of anyone's.
    const notaryPort = ports.get('notary');
    if (notaryPort !== undefined && existsSync(join(ROOT, 'apps', PORTAL_APP, 'src', 'main.ts'))) {
      const port = APP_PORTS[PORTAL_APP]!;
      const portal = new AppProcess(
        PORTAL_APP,
        port,
        {
          DEPLOYMENT_MODE: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          ...https,
          PORTAL_NOTARY_URL: localUrl(notaryPort),
          PORTAL_DEPARTMENT_URLS: departmentUrls,
          TRUST_BUNDLE_FILE: trust.bundleFile,
          TRUST_ROOT_PUBLIC_KEY_FILE: trust.rootPublicKeyFile,
          PORTAL_DIR: join(ROOT, 'dist', 'portal'),
          // The operator view signs in at the provider as the portal's public client, for a notary token.
          PORTAL_OIDC_ISSUER: identity.issuer,
          PORTAL_OIDC_CLIENT_ID: DEV_PORTAL_CLIENT_ID,
          PORTAL_OIDC_RESOURCE: devAudience('notary'),
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        },
        print,
        { inherit: false },
      );
      apps.push(portal);
      portal.start();
    }
    const health = await Promise.all(apps.map(async (app) => ({ app, body: await app.waitHealthy(90_000) })));
    // After the apps are healthy: their migrations made the token tables.
    const tokens = await issueDevTokens(owners);

    print('\nRegistry Bus is running:');
    print(
      `  kafka      ${brokers}${kafka ? ` (${brokerCount === 1 ? 'one broker' : `${brokerCount} brokers`}, data in ${KAFKA_DIR})` : ''}`,
    );
    print(`  postgres   ${adminUrl.replace(/:[^:@/]+@/, ':***@')} (databases ${databasePrefix(stackId)}<department>)`);
    for (const { app, body } of health) print(`  ${app.name.padEnd(17)} ${app.url}  health: ${JSON.stringify(body)}`);
    print(`  tokens     ${DEV_TOKENS_FILE} (admin, clerk, auditor per department; API docs at <app>/docs)`);
    print(
      `  sign-in    ${identity.issuer} (OpenID provider; a token: npm run login -- dev-land-clerk, users dev-<department>-<role>)`,
    );
    const portalApp = apps.find((app) => app.name === PORTAL_APP);
    if (portalApp)
      print(
        `  portal     ${portalApp.url}/portal/ (check a diploma or a receipt; operator view: sign in as dev-notary-auditor)`,
      );
    if (demo)
      await runDemo({
        brokers: brokers.split(','),
        ...(secured ? { sasl: kafka!.saslOf('admin')!, ssl: kafka!.clientSsl()! } : {}),
        apps: apps.filter((app) => app.name !== PORTAL_APP).map((app) => ({ name: app.name, url: app.url })),
        portalUrl: portalApp?.url,
        tokens,
        print,
      });
    print(`\nlogs in ${LOGS_DIR.startsWith(`${ROOT}/`) ? relative(ROOT, LOGS_DIR) : LOGS_DIR}/; press Ctrl-C to stop.`);

    // Watch the apps: one that dies takes the stack down with a clear message rather than half-running.
    setInterval(() => {
      const dead = apps.find((app) => app.exited !== null);
      if (dead && !stopping) {
        print(`${dead.name} exited with code ${dead.exited}:\n${dead.stderrTail}`);
        void stop(1);
      }
    }, 1000);
  } catch (error) {
    print(`\nstart failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const app of apps.filter((a) => a.exited !== null && a.stderrTail))
      print(`--- ${app.name}:\n${app.stderrTail}`);
    await stop(1);
  }
}

// A refusal before anything started (arguments, a .local made otherwise) is a message, not a stack trace.
await main().catch((error: unknown) => {
  print(`start refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
