import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { DEPARTMENTS, ensureDevTrust } from '@registry-bus/protocol';
import {
  DEV_ACR_MFA,
  DEV_API_DOCS_CLIENT_ID,
  DEV_PORTAL_CLIENT_ID,
  DevIdentityProvider,
  devUsers,
  ensureDevCa,
} from '@registry-bus/testing';
import { decodeJwt } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { DepartmentStack } from './department-stack.js';

const LAND = 'urn:registry-bus:land';
const NOTARY = 'urn:registry-bus:notary';
/** Debian's Chromium and NSS tools, as portal.spec.ts uses them (.ci/run installs both). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CERTUTIL = process.env.CERTUTIL_PATH ?? '/usr/bin/certutil';
const SCREENSHOTS = join('test-output', 'screenshots');
const SESSION_KEY = 'registry-bus.operator-session';
const PENDING_KEY = 'registry-bus.sign-in-pending';

/** A browser profile home whose NSS database trusts the stack's development CA (the apps' and the provider's). */
function browserHomeTrusting(caFile: string, home: string): string {
  const nssdb = join(home, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  for (const args of [
    ['-N', '-d', `sql:${nssdb}`, '--empty-password'],
    ['-A', '-d', `sql:${nssdb}`, '-t', 'C,,', '-n', 'registry-bus development CA', '-i', caFile],
  ]) {
    const result = spawnSync(CERTUTIL, args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `certutil ${args[0]} failed (${result.error?.message ?? result.stderr}): apt-get install libnss3-tools`,
      );
  }
  return home;
}

/** `vite build` of the portal as `npm run build:portal` runs it. */
function buildPortal(outDir: string, rootFile: string): void {
  const built = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/portal/vite.config.ts', '--outDir', outDir],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PORTAL_TRUST_ROOT_FILE: rootFile } },
  );
  if (built.status !== 0) throw new Error(`vite build failed: ${built.stdout}${built.stderr}`);
}

const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '250.00',
  location: 'Telavi',
  landUse: 'residential',
  owners: [{ ownerId: 'person:signin-owner', share: '1' }],
  basis: { documentType: 'survey', reference: 'S-SIGNIN' },
});

/**
 * Operators sign in through the OpenID provider from the browser (issue
 * #26): the portal's operator view and Swagger UI's "Authorize" run the
 * authorization code flow with PKCE in Debian's Chromium against the real
 * oidc-provider, through its sign-in and consent pages, and the tokens they
 * get are what the notary and the land register take.
 */
describe('operators sign in from the browser', () => {
  const stack = new DepartmentStack();
  let provider: DevIdentityProvider;
  let browser: Browser;
  let base: string;
  let landUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`these tests need Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    await ensureDevTrust(stack.local, DEPARTMENTS);
    const portalDir = join(stack.local, 'portal');
    buildPortal(portalDir, join(stack.local, 'trust-root.pub'));
    // The provider starts first: the apps' ports are known only after, hence anyLoopbackPort.
    const certificate = ensureDevCa(join(stack.local, 'ca')).issue('identity-provider');
    provider = await DevIdentityProvider.start({
      users: devUsers(['land', 'notary']),
      audiences: [LAND, NOTARY],
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
      anyLoopbackPort: true,
    });
    const oidc = (audience: string) => ({
      OIDC_ISSUER: provider.issuer,
      OIDC_ISSUER_ALIAS: 'dev-id',
      OIDC_AUDIENCE: audience,
      OIDC_MFA_ACR: DEV_ACR_MFA,
    });
    await stack.start(['land'], oidc(LAND));
    await stack.start(['notary'], oidc(NOTARY));
    landUrl = stack.get('land').url;
    base = (
      await stack.startPortal(portalDir, {
        PORTAL_OIDC_ISSUER: provider.issuer,
        PORTAL_OIDC_CLIENT_ID: DEV_PORTAL_CLIENT_ID,
        PORTAL_OIDC_RESOURCE: NOTARY,
      })
    ).url;
    const clerk = await stack.token('land', 'clerk', 'clerk:signin');
    for (const number of ['SI-1', 'SI-2']) {
      const registered = await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: parcel(number) });
      expect(registered.status).toBe(201);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      env: { ...process.env, HOME: browserHomeTrusting(stack.caFile, join(stack.local, 'browser-home')) },
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
    await provider?.stop();
  });

  /** A fresh browser profile per test (no provider session, no tab storage), and every request it makes. */
  const fresh = async (): Promise<{ context: BrowserContext; page: Page; requests: string[] }> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    context.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    return { context, page, requests };
  };

  /** The provider's two pages: sign in as `user`, then allow what the client asks. */
  const signInAtProvider = async (page: Page, user: string, client: string, resource: string) => {
    await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/interaction/`));
    await expect(page.locator('h1').innerText()).resolves.toBe('Development sign-in');
    await page.getByLabel('User').selectOption(user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Development consent' }).waitFor();
    await expect(page.locator('form p').innerText()).resolves.toBe(`${client} asks to act as ${user} at ${resource}.`);
    await page.getByRole('button', { name: 'Allow' }).click();
  };

  const storage = (page: Page) =>
    page.evaluate(
      ([session, pending]) => ({
        local: Object.keys(localStorage),
        session: sessionStorage.getItem(session!),
        pending: sessionStorage.getItem(pending!),
      }),
      [SESSION_KEY, PENDING_KEY],
    );

  it("signs a notary auditor in through the provider's sign-in and consent, and shows the registers", async () => {
    const { context, page, requests } = await fresh();
    await page.goto(`${base}/portal/#/operator`);
    await expect(page.locator('#operator-session').innerText()).resolves.toBe(
      `Signed out. Sign in with your operator account at ${provider.issuer}. Sign in`,
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, 'dev-notary-auditor', DEV_PORTAL_CLIENT_ID, NOTARY);

    // Back on the portal, the code is gone from the address and the token is the notary's, for this auditor.
    await page.locator('#operator-subject').waitFor();
    expect(page.url()).toBe(`${base}/portal/#/operator`);
    await expect(page.locator('#operator-subject').innerText()).resolves.toBe('dev-notary-auditor');
    const kept = await storage(page);
    expect(kept.local).toEqual([]);
    expect(kept.pending).toBeNull();
    const session = JSON.parse(kept.session!) as { bearer: string; via: string; subject: string; expiresAt: number };
    expect(session).toMatchObject({ via: 'sign-in', subject: 'dev-notary-auditor' });
    expect(decodeJwt(session.bearer)).toMatchObject({
      iss: provider.issuer,
      aud: NOTARY,
      sub: 'dev-notary-auditor',
      client_id: DEV_PORTAL_CLIENT_ID,
      department: 'notary',
      roles: ['auditor'],
    });
    // The code was exchanged from the browser, at the provider's token endpoint, with the PKCE verifier.
    expect(requests.filter((request) => request.startsWith(`POST ${provider.issuer}/token`))).toHaveLength(1);

    // What an auditor may see: every register, the land register's head exactly as land states it.
    const head = ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;
    const landHead = page.locator('#operator-registers tr[data-department="land"] td:nth-child(2)');
    await stack.eventually('the land register in the operator view', async () =>
      (await landHead.count()) === 1 && (await landHead.innerText()).startsWith(`${head} entries`) ? true : undefined,
    );
    const rows = await page
      .locator('#operator-registers tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-department')));
    // The registers the notary follows here: land, and the notary's own ledger.
    expect([...new Set(rows)].sort()).toEqual(['land', 'notary']);
    await page.screenshot({ path: join(SCREENSHOTS, 'operator-signed-in.png'), fullPage: true });

    // Signing out forgets the token: the tab holds nothing, the data goes with it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.locator('#operator-session').innerText()).resolves.toBe(
      `Signed out: this tab holds no token any more.\n\nSigned out. Sign in with your operator account at ${provider.issuer}. Sign in`,
    );
    expect((await storage(page)).session).toBeNull();
    await expect(page.locator('#operator-registers tr').count()).resolves.toBe(0);
    await context.close();
  });

  it('tells a clerk, whom the notary refuses, why in plain words, and keeps no token', async () => {
    const { context, page } = await fresh();
    await page.goto(`${base}/portal/#/operator`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, 'dev-notary-clerk', DEV_PORTAL_CLIENT_ID, NOTARY);
    const refusal = page.locator('#operator-session [role="alert"]');
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toBe(
      "Refused: role 'clerk' may not do this; it needs one of: admin, auditor. " +
        'The operator view is for the notary’s admins and auditors: sign in as one.',
    );
    expect((await storage(page)).session).toBeNull();
    await expect(page.locator('#operator-registers tr').count()).resolves.toBe(0);
    await context.close();
  });

  it('refuses an answer whose state was tampered with, and asks no token for its code', async () => {
    const { context, page, requests } = await fresh();
    // Whoever sits between the provider and the page swaps the state of the real answer, a real code. The
    // provider's redirect to the portal is no request Playwright's routes see (they see a redirect's first hop
    // only): the DevTools protocol's Fetch domain sees every hop, and answers this one with another redirect.
    const devtools = await context.newCDPSession(page);
    devtools.on('Fetch.requestPaused', (paused: { requestId: string; request: { url: string } }) => {
      const answer = new URL(paused.request.url);
      if (answer.searchParams.get('state') === 'tampered') {
        void devtools.send('Fetch.continueRequest', { requestId: paused.requestId });
        return;
      }
      answer.searchParams.set('state', 'tampered');
      void devtools.send('Fetch.fulfillRequest', {
        requestId: paused.requestId,
        responseCode: 302,
        responseHeaders: [{ name: 'location', value: answer.href }],
      });
    });
    await devtools.send('Fetch.enable', { patterns: [{ urlPattern: `${base}/portal/?*`, requestStage: 'Request' }] });
    await page.goto(`${base}/portal/#/operator`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, 'dev-notary-auditor', DEV_PORTAL_CLIENT_ID, NOTARY);
    const refused = page.locator('#sign-in-refused');
    await refused.waitFor();
    await expect(refused.innerText()).resolves.toBe(
      'The answer does not belong to the sign-in this page started (its state differs): it was refused and no token was asked for. Sign in again.',
    );
    expect(page.url()).toBe(`${base}/portal/#/operator`);
    expect(await storage(page)).toEqual({ local: [], session: null, pending: null });
    expect(requests.filter((request) => request.includes(`${provider.issuer}/token`))).toEqual([]);
    await expect(page.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(1);
    await context.close();
  });

  it('serves Swagger UI the OAuth 2.0 code flow with PKCE for the register, as its client', async () => {
    const init = await (await fetch(`${landUrl}/docs/swagger-ui-init.js`)).text();
    const options = JSON.parse(/let options = (\{[\s\S]*?\});\n/.exec(init)![1]!) as {
      customOptions: { initOAuth: unknown };
      swaggerDoc: { components: { securitySchemes: Record<string, unknown> } };
    };
    expect(options.customOptions.initOAuth).toEqual({
      clientId: DEV_API_DOCS_CLIENT_ID,
      usePkceWithAuthorizationCodeGrant: true,
      scopes: ['openid'],
      additionalQueryStringParams: { resource: LAND },
    });
    expect(options.swaggerDoc.components.securitySchemes.oidc).toEqual({
      type: 'oauth2',
      description: `Sign in at ${provider.issuer} (authorization code with PKCE) for an access token of ${LAND}`,
      flows: {
        authorizationCode: {
          authorizationUrl: `${provider.issuer}/auth`,
          tokenUrl: `${provider.issuer}/token`,
          scopes: { openid: 'Sign in (OpenID Connect); the access token is for this register alone' },
        },
      },
    });
    // Its callback is the app's own: /docs sends the browser to /docs/, beside oauth2-redirect.html.
    const docs = await fetch(`${landUrl}/docs`, { redirect: 'manual' });
    expect([docs.status, docs.headers.get('location')]).toEqual([308, '/docs/']);
    expect((await fetch(`${landUrl}/docs/oauth2-redirect.html`)).status).toBe(200);
  });

  it("signs a land auditor in through Swagger UI's Authorize, and Try it out reads a parcel with that token", async () => {
    const { context, page } = await fresh();
    await page.goto(`${landUrl}/docs`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const scheme = page.locator('.auth-container').filter({ hasText: 'oidc (OAuth2, authorizationCode with PKCE)' });
    await expect(scheme.locator('#client_id_authorizationCode').inputValue()).resolves.toBe(DEV_API_DOCS_CLIENT_ID);
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      scheme.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click(),
    ]);
    await signInAtProvider(popup, 'dev-land-auditor', DEV_API_DOCS_CLIENT_ID, LAND);
    await popup.waitForEvent('close');
    await scheme.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await page.locator('.btn-done, button.close-modal').first().click();

    const operation = page.locator('.opblock-get').filter({ hasText: '/v1/parcels/{cadastralNumber}' }).first();
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('input[placeholder="cadastralNumber"]').fill('SI-1');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table td.response-col_status:not(.col_header)');
    await status.waitFor();
    await expect(status.innerText()).resolves.toBe('200');
    const body = JSON.parse(
      await operation.locator('.live-responses-table .response-col_description pre.microlight').first().innerText(),
    ) as { owners: unknown };
    expect(body.owners).toEqual([{ ownerId: 'person:signin-owner', share: '1' }]);
    await page.screenshot({ path: join(SCREENSHOTS, 'swagger-signed-in.png'), fullPage: true });

    // The register read the parcel's owners for the auditor who signed in, under the pseudonymous actor.
    const reads = (await stack
      .get('land')
      .runtime.dataSource.query(
        "SELECT operator, role, route, subject, fields FROM operator_audit WHERE kind = 'read' AND subject = $1",
        ['SI-1'],
      )) as Array<Record<string, unknown>>;
    expect(reads).toEqual([
      {
        operator: 'oidc:dev-id:dev-land-auditor',
        role: 'auditor',
        route: '/v1/parcels/:cadastralNumber',
        subject: 'SI-1',
        fields: ['owners'],
      },
    ]);
    await context.close();
  });
});
