import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDepartment, type RunningDepartment } from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import { DEPARTMENTS, ensureDevTrust } from '@registry-bus/protocol';
import { integrationEnvironment, withDatabase } from '@registry-bus/testing';

import { CREDIT_DEPARTMENT } from '../../apps/credit-registry/src/credit.department.js';
import { CreditModule } from '../../apps/credit-registry/src/credit.module.js';
import { departmentTestConfig } from '../../libs/kit/integration/department-fixture.js';

/** Runs a script of the project as `npm run` would, with only the database URLs given here. */
function run(script: string, args: string[], env: Record<string, string | undefined>) {
  const { DATABASE_MIGRATIONS_URL: _owner, DATABASE_URL: _app, ...rest } = process.env;
  const result = spawnSync(process.execPath, ['--import', './scripts/ts-loader/register.js', script, ...args], {
    env: { ...rest, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}
const migrate = (args: string[], env: Record<string, string | undefined>) => run('scripts/cli/migrate.ts', args, env);

/**
 * `npm run migrate -- <app>` (issue #25): the owner migrates before the app
 * starts, so the running app holds only its own login — never the owner's URL.
 */
describe('npm run migrate', () => {
  const env = integrationEnvironment();
  const local = mkdtempSync(join(tmpdir(), 'rb-migrate-'));
  let running: RunningDepartment | undefined;

  afterAll(async () => {
    await running?.close();
    rmSync(local, { recursive: true, force: true });
  });

  it('refuses an unknown app and a missing owner URL, naming what to give', () => {
    const unknown = migrate(['registry-of-everything'], {});
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toBe(
      'usage: npm run migrate -- <app>, one of notary, land-registry, diploma-registry, court-registry, credit-registry, bond-registry',
    );

    const missing = migrate(['credit-registry'], {});
    expect(missing.status).toBe(78);
    expect(missing.stderr).toMatch(/^migrate: Invalid environment variables:\n {2}- DATABASE_MIGRATIONS_URL: /);
  });

  it('migrates as the owner, makes the app login a writer, and an app with only that login then works', async () => {
    await ensureDevTrust(local, DEPARTMENTS);
    const config = await departmentTestConfig(env, local, 'credit', `${env.uniqueName('mig')}.`);
    const ownerUrl = config.DATABASE_MIGRATIONS_URL!;
    const database = new URL(ownerUrl).pathname.slice(1);
    const login = await env.createRole('credit_app');
    const appUrl = withDatabase(ownerUrl, database, login);

    const first = migrate(['credit-registry'], { DATABASE_MIGRATIONS_URL: ownerUrl, DATABASE_URL: appUrl });
    const again = migrate(['credit-registry'], { DATABASE_MIGRATIONS_URL: ownerUrl, DATABASE_URL: appUrl });

    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`^credit-registry: applied \\S+.* to ${database}; ${login.user} writes as its writer role$`),
    );
    expect(first.stdout).toMatch(/Credit/);
    expect(again.stdout).toBe(
      `credit-registry: the schema of ${database} was up to date; ${login.user} writes as its writer role`,
    );

    // The app starts as its own login, with no owner URL in its configuration, and writes its register.
    running = await startDepartment(
      CREDIT_DEPARTMENT,
      [CreditModule],
      { ...config, DATABASE_URL: appUrl, DATABASE_MIGRATIONS_URL: undefined },
      createLogger('credit', { level: 'silent' }),
    );
    const admin = await running.runtime.tokens.issue({
      operator: 'admin:migrate',
      role: 'admin',
      scope: null,
      validForSeconds: 600,
      issuedBy: 'test',
    });
    const registered = await fetch(`${running.url}/v1/banks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({
        bankId: 'bank:mig',
        name: 'Migrated Bank',
        licence: 'NBG-MIG',
        basis: { documentType: 'administrative-act', reference: 'NBG-MIG' },
      }),
    });
    expect(registered.status).toBe(201);
    // The admin's token (an entry of the ledger since issue #27) and the bank.
    expect(await running.runtime.ledger.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it("is what an app's own entry point does with --migrate (the image's migrate job), needing no other setting", async () => {
    const ownerUrl = await env.createDatabase('land_migrate');
    const database = new URL(ownerUrl).pathname.slice(1);

    const land = run('apps/land-registry/src/main.ts', ['--migrate'], { DATABASE_MIGRATIONS_URL: ownerUrl });
    const notary = run('apps/notary/src/main.ts', ['--migrate'], {
      DATABASE_MIGRATIONS_URL: await env.createDatabase('notary_migrate'),
    });

    expect(land.stderr).toBe('');
    expect(land.status).toBe(0);
    expect(land.stdout).toMatch(new RegExp(`^land: applied \\S+.* to ${database}$`));
    expect(notary.status).toBe(0);
    expect(notary.stdout).toMatch(/^notary: applied .*NotaryAnchors1764000020000.* to \S+$/);
  });
});
