import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

// No container engine runs where the suite runs: these pin the compose file's wiring instead (issue #25).
const here = dirname(fileURLToPath(import.meta.url));
const read = (file: string) => readFileSync(join(here, file), 'utf8');

interface Service {
  build?: unknown;
  command?: unknown;
  restart?: unknown;
  user?: unknown;
  ports?: unknown;
  volumes?: unknown;
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

describe('docker/compose.yaml', () => {
  it('runs the broker, Postgres, every app and a migrate job per app, nothing else', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['kafka', 'postgres', ...APPS.flatMap(({ app }) => [app, `${app}-migrate`])].sort(),
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

  it("leaves every service to its image's user: none runs as root, the apps and jobs set none", () => {
    const root = Object.entries(services)
      .filter(([, service]) => /^(root|0)(:|$)/.test(String(service.user ?? '')))
      .map(([name]) => name);
    expect(root).toEqual([]);
    for (const { app } of APPS) {
      expect(services[app]!.user).toBeUndefined();
      expect(services[`${app}-migrate`]!.user).toBeUndefined();
    }
  });

  it.each(APPS)('runs $app and its migrate job with no capability and no way to gain privileges', ({ app }) => {
    for (const service of [services[app]!, services[`${app}-migrate`]!]) {
      expect(service).toMatchObject({ cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
    }
  });
});

describe('docker/Dockerfile', () => {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the apps as the unprivileged node user', () => {
    expect(finalStage.match(/^USER .*$/gm)).toEqual(['USER node']);
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
