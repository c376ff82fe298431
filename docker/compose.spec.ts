import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

// No container engine runs where the suite runs: these pin the compose file's wiring instead (issue #25).
const here = dirname(fileURLToPath(import.meta.url));
const read = (file: string) => readFileSync(join(here, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  entrypoint?: string[];
  network_mode?: string;
  healthcheck?: unknown;
  command?: unknown;
  restart?: unknown;
  user?: unknown;
  ports?: unknown;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
}

// `<<` merge keys (the x-image, x-migrate and x-app anchors) as compose resolves them.
const services = (parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> }).services;
const initScript = read('postgres-init.sh');
const dockerfile = read('Dockerfile');

// Each app service, and the department that names its database, its login and its password variable.
const APPS = (
  [
    ['notary', 'notary'],
    ['land-registry', 'land'],
    ['diploma-registry', 'diploma'],
    ['court-registry', 'court'],
    ['credit-registry', 'credit'],
    ['bond-registry', 'bond'],
  ] as const
).map(([app, department]) => {
  const password = `PG_${department.toUpperCase()}_PASSWORD`;
  const login = `registry_bus_${department}_app`;
  const database = `registry_bus_${department}`;
  // In compose, `${PG_LAND_PASSWORD:-dev-land-db-change-me}`: the variable and its development default.
  const passwordValue = `\${${password}:-dev-${department}-db-change-me}`;
  return {
    app,
    department,
    login,
    database,
    password,
    passwordValue,
    url: `postgres://${login}:${passwordValue}@postgres:5432/${database}`,
  };
});
const OWNER_URL = (database: string) =>
  `postgres://postgres:\${PG_OWNER_PASSWORD:-dev-owner-db-change-me}@postgres:5432/${database}`;
const DEPARTMENTS = APPS.filter(({ app }) => app !== 'notary');

/** The services that mount `volume`, each with the mount as written (`<volume>:<path>[:ro]`). */
const mountsOf = (volume: string) =>
  Object.fromEntries(
    Object.entries(services).flatMap(([name, service]) =>
      (service.volumes ?? []).filter((mount) => mount.split(':')[0] === volume).map((mount) => [name, mount]),
    ),
  );

describe('docker/compose.yaml', () => {
  it('runs the broker, Postgres, every app and a migrate job per app, nothing else', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['certs', 'kafka', 'postgres', 'portal', ...APPS.flatMap(({ app }) => [app, `${app}-migrate`])].sort(),
    );
  });

  it.each(APPS)('gives $app a one-off migrate job with the owner URL and its login, nothing else', (entry) => {
    const job = services[`${entry.app}-migrate`]!;
    expect(job.build).toEqual(services[entry.app]!.build);
    expect(job.command).toEqual(['--migrate']);
    expect(job.restart).toBe('no');
    expect(job.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(job.environment).toEqual({
      APP: entry.app,
      DATABASE_MIGRATIONS_URL: OWNER_URL(entry.database),
      DATABASE_URL: entry.url,
    });
    expect(job.ports).toBeUndefined();
    expect(job.volumes).toBeUndefined();
  });

  it.each(APPS)('starts $app after its migrate job succeeded, as its own login, without the owner URL', (entry) => {
    const app = services[entry.app]!;
    expect(app.command).toBeUndefined();
    expect(app.depends_on?.[`${entry.app}-migrate`]).toEqual({ condition: 'service_completed_successfully' });
    expect(app.environment?.APP).toBe(entry.app);
    expect(app.environment?.DATABASE_URL).toBe(entry.url);
    expect(app.environment).not.toHaveProperty('DATABASE_MIGRATIONS_URL');
  });

  it('gives the owner URL to the migrate jobs alone', () => {
    const withOwnerUrl = Object.entries(services)
      .filter(([, service]) => service.environment && 'DATABASE_MIGRATIONS_URL' in service.environment)
      .map(([name]) => name);
    expect(withOwnerUrl.sort()).toEqual(APPS.map(({ app }) => `${app}-migrate`).sort());
  });

  it('connects each app as a login of its own, none of them the owner, each with a password variable of its own', () => {
    const urls = APPS.map(({ app }) => services[app]!.environment!.DATABASE_URL!);
    const parts = urls.map((url) => /^postgres:\/\/([^:]+):\$\{([A-Z_]+):-[^}]+\}@postgres:5432\/(\w+)$/.exec(url));
    const users = parts.map((match) => match?.[1]);
    const variables = parts.map((match) => match?.[2]);
    expect(users).toEqual(APPS.map(({ login }) => login));
    expect(new Set(users).size).toBe(6);
    expect(users).not.toContain('postgres');
    expect(variables).toEqual(APPS.map(({ password }) => password));
    expect(new Set(variables).size).toBe(6);
  });

  it('hands Postgres the owner password and every login password, and the init script', () => {
    const postgres = services.postgres!;
    expect(postgres.environment).toEqual({
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: '${PG_OWNER_PASSWORD:-dev-owner-db-change-me}',
      ...Object.fromEntries(APPS.map(({ password, passwordValue }) => [password, passwordValue])),
    });
    expect(postgres.volumes).toContain('./postgres-init.sh:/docker-entrypoint-initdb.d/10-logins.sh:ro');
  });

  it("leaves every service to its image's user: none runs as root; the apps, the jobs and the broker set none", () => {
    const root = Object.entries(services)
      .filter(([, service]) => /^(root|0)(:|$)/.test(String(service.user ?? '')))
      .map(([name]) => name);
    expect(root).toEqual([]);
    for (const name of Object.keys(services).filter((name) => name !== 'postgres')) {
      expect(services[name]!.user).toBeUndefined();
    }
  });

  it.each(Object.keys(services).filter((name) => name !== 'postgres'))(
    'runs %s with no capability and no way to gain privileges',
    (name) => {
      expect(services[name]).toMatchObject({ cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
    },
  );
});

describe('docker/compose.yaml: the broker over TLS', () => {
  const certs = services.certs!;
  const kafka = services.kafka!;

  it("makes the certificates once, with the broker's image, before the broker starts", () => {
    expect(certs.image).toBe('apache/kafka:4.4.0');
    expect(kafka.image).toBe(certs.image);
    expect(certs.restart).toBe('no');
    expect(certs.network_mode).toBe('none');
    expect(certs.ports).toBeUndefined();
    expect(kafka.depends_on).toEqual({ certs: { condition: 'service_completed_successfully' } });
  });

  // Mounted on the kafka image's own VOLUME folders, which belong to its user: the job writes without root.
  it('runs make-dev-certs.sh into three volumes: the CA certificate, the CA key, the broker key', () => {
    expect(certs.entrypoint).toEqual([
      '/bin/sh',
      '/registry-bus/make-dev-certs.sh',
      '/mnt/shared/config',
      '/var/lib/kafka/data',
      '/etc/kafka/secrets',
    ]);
    expect(certs.volumes).toEqual([
      'kafka-ca:/mnt/shared/config',
      'kafka-ca-key:/var/lib/kafka/data',
      'kafka-tls:/etc/kafka/secrets',
      './kafka/make-dev-certs.sh:/registry-bus/make-dev-certs.sh:ro',
    ]);
  });

  it("lets no service but the certs job mount the CA's key", () => {
    expect(mountsOf('kafka-ca-key')).toEqual({ certs: 'kafka-ca-key:/var/lib/kafka/data' });
  });

  it('lets the broker alone read its key, read-only, where secured-kafka.sh is told it is', () => {
    expect(mountsOf('kafka-tls')).toEqual({
      certs: 'kafka-tls:/etc/kafka/secrets',
      kafka: 'kafka-tls:/etc/kafka/secrets:ro',
    });
    expect(kafka.environment).toMatchObject({
      KAFKA_KEYSTORE_FILE: '/etc/kafka/secrets/broker.p12',
      KAFKA_KEYSTORE_PASSWORD_FILE: '/etc/kafka/secrets/broker.password',
      KAFKA_CA_FILE: '/registry-bus/ca/ca.crt',
    });
    expect(kafka.volumes).toEqual([
      'kafka-data:/var/lib/kafka/data',
      'kafka-tls:/etc/kafka/secrets:ro',
      'kafka-ca:/registry-bus/ca:ro',
      './kafka/secured-kafka.sh:/registry-bus/secured-kafka.sh:ro',
    ]);
  });

  it('mounts the CA certificate read-only into the broker and the apps that talk to it, and nowhere else', () => {
    expect(mountsOf('kafka-ca')).toEqual({
      certs: 'kafka-ca:/mnt/shared/config',
      kafka: 'kafka-ca:/registry-bus/ca:ro',
      ...Object.fromEntries(APPS.map(({ app }) => [app, 'kafka-ca:/kafka-ca:ro'])),
    });
  });

  it.each(APPS)('gives $app the CA with its broker login, and starts it after the certs job', ({ app }) => {
    const sut = services[app]!;
    expect(sut.environment).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', KAFKA_SSL_CA_FILE: '/kafka-ca/ca.crt' });
    expect(sut.environment?.KAFKA_SASL_USERNAME).toBeDefined();
    expect(sut.depends_on).toMatchObject({
      certs: { condition: 'service_completed_successfully' },
      kafka: { condition: 'service_healthy' },
    });
  });

  it('gives a broker login only with the CA, and the CA only to what talks to the broker', () => {
    const named = (variable: string) =>
      Object.entries(services)
        .filter(([, service]) => service.environment && variable in service.environment)
        .map(([name]) => name)
        .sort();
    const apps = APPS.map(({ app }) => app).sort();
    expect(named('KAFKA_SASL_USERNAME')).toEqual(apps);
    expect(named('KAFKA_BROKERS')).toEqual(apps);
    expect(named('KAFKA_SSL_CA_FILE')).toEqual(apps);
  });

  it("checks the broker's health over TLS at a name its certificate carries", () => {
    expect(JSON.stringify(kafka.healthcheck)).toContain(
      '--bootstrap-server localhost:9092 --command-config /tmp/admin-client.properties',
    );
  });
});

describe('docker/compose.yaml: the portal', () => {
  const portal = services.portal!;
  const port = (app: string) => services[app]!.environment!.PORT;

  it('runs the portal-server app from the same image on port 3006, after the notary is healthy', () => {
    expect(portal.build).toEqual(services.notary!.build);
    expect(portal.command).toBeUndefined();
    expect(portal.restart).toBe('unless-stopped');
    expect(portal.ports).toEqual(['3006:3006']);
    expect(portal.depends_on).toEqual({ notary: { condition: 'service_healthy' } });
    expect(portal.healthcheck).toEqual(services.notary!.healthcheck);
  });

  it('gives it its own settings and nothing else: no database, broker login, key folder or broker admin', () => {
    expect(portal.environment).toEqual({
      APP: 'portal-server',
      PORT: 3006,
      LOG_LEVEL: 'info',
      DEPLOYMENT_MODE: 'development',
      HTTP_DEV_PLAINTEXT: 'true',
      PORTAL_NOTARY_URL: 'http://notary:3000',
      PORTAL_DEPARTMENT_URLS:
        'land=http://land-registry:3001,diploma=http://diploma-registry:3002,court=http://court-registry:3003,' +
        'credit=http://credit-registry:3004,bond=http://bond-registry:3005',
      TRUST_BUNDLE_FILE: '/trust/trust-bundle.json',
      TRUST_ROOT_PUBLIC_KEY_FILE: '/trust/trust-root.pub',
      PORTAL_DIR: '/app/dist/portal',
    });
    // What apps/portal-server/src/portal-config.ts refuses to start with (SECRETS_THE_PORTAL_REFUSES).
    for (const refused of [
      'DATABASE_URL',
      'DATABASE_MIGRATIONS_URL',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KEYS_DIR',
      'NOTARY_BROKER_ADMIN_USERNAME',
      'NOTARY_BROKER_ADMIN_PASSWORD',
    ])
      expect(portal.environment).not.toHaveProperty(refused);
  });

  it("relays to each app at its own service name and port, as the notary's heads do", () => {
    expect(portal.environment?.PORTAL_NOTARY_URL).toBe(`http://notary:${port('notary')}`);
    expect(portal.environment?.PORTAL_DEPARTMENT_URLS).toBe(
      DEPARTMENTS.map(({ app, department }) => `${department}=http://${app}:${port(app)}`).join(','),
    );
    expect(portal.environment?.PORTAL_DEPARTMENT_URLS).toBe(services.notary!.environment?.NOTARY_DEPARTMENT_URLS);
  });

  it('mounts the trust volume read-only and no keys volume', () => {
    expect(portal.volumes).toEqual(['trust:/trust:ro']);
  });

  it('leaves the notary nothing of the portal', () => {
    expect(Object.keys(services.notary!.environment!).filter((name) => /PORTAL/.test(name))).toEqual([]);
  });
});

describe('docker/compose.yaml: keys and trust', () => {
  it.each(APPS)("mounts $app's keys volume into $app alone, writable there", ({ app, department }) => {
    expect(mountsOf(`keys-${department}`)).toEqual({ [app]: `keys-${department}:/keys` });
    expect(services[app]!.environment?.KEYS_DIR).toBe('/keys');
  });

  it('mounts the trust bundle and its root key read-only into every app and the portal, writable nowhere', () => {
    expect(mountsOf('trust')).toEqual(
      Object.fromEntries([...APPS.map(({ app }) => app), 'portal'].map((name) => [name, 'trust:/trust:ro'])),
    );
    for (const name of [...APPS.map(({ app }) => app), 'portal'])
      expect(services[name]!.environment).toMatchObject({
        TRUST_BUNDLE_FILE: '/trust/trust-bundle.json',
        TRUST_ROOT_PUBLIC_KEY_FILE: '/trust/trust-root.pub',
      });
  });
});

describe('docker/Dockerfile', () => {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the apps as the unprivileged node user', () => {
    expect(finalStage.match(/^USER .*$/gm)).toEqual(['USER node']);
  });

  it('copies the built apps and pages into /app, where PORTAL_DIR points', () => {
    expect(finalStage).toContain('\nWORKDIR /app\n');
    expect(finalStage).toContain('\nCOPY --from=build /app/dist ./dist\n');
    expect(services.portal!.environment?.PORTAL_DIR).toBe('/app/dist/portal');
  });

  it("passes the container's arguments (--migrate) to the app's entry point", () => {
    expect(finalStage).toContain(
      'ENTRYPOINT ["sh", "-c", "exec node \\"dist/apps/$APP/apps/$APP/src/main.js\\" \\"$@\\"", "registry-bus"]',
    );
    expect(finalStage).toContain('CMD []');
  });
});

describe('docker/postgres-init.sh', () => {
  const sql = initScript.slice(initScript.indexOf("<<'SQL'\n"), initScript.lastIndexOf('\nSQL'));

  it.each(APPS)('creates the login of $app, which may log in and nothing more, and its database', (entry) => {
    const variable = `${entry.department}_password`;
    expect(initScript).toContain(`-v ${variable}="$${entry.password}"`);
    expect(initScript).toContain(`: "\${${entry.password}:?set ${entry.password}}"`);
    expect(sql).toContain(
      `CREATE ROLE ${entry.login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'${variable}';`,
    );
    expect(sql).toContain(`CREATE DATABASE ${entry.database} OWNER :"owner";`);
    expect(sql).toContain(`REVOKE ALL ON DATABASE ${entry.database} FROM PUBLIC;`);
  });

  it("gives every database to the image's POSTGRES_USER, the owner", () => {
    expect(initScript).toContain('-v owner="$POSTGRES_USER"');
  });

  it('creates the six logins and no other role, none with a power beyond logging in', () => {
    expect(sql.match(/^CREATE ROLE (\w+)/gm)).toEqual(APPS.map(({ login }) => `CREATE ROLE ${login}`));
    expect(sql).not.toMatch(/(?<!NO)(SUPERUSER|CREATEDB|CREATEROLE|REPLICATION|BYPASSRLS)\b/);
    expect(sql).not.toMatch(/\b(GRANT|ALTER ROLE)\b/);
  });

  it('keeps the passwords out of the shell: the SQL is a quoted here-document read by psql', () => {
    expect(initScript).toMatch(/^psql -v ON_ERROR_STOP=1 /m);
    expect(initScript).toContain(" <<'SQL'\n");
    expect(sql).not.toContain('$');
  });
});
