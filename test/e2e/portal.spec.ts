import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEPARTMENTS, ensureDevTrust, fromBase64, rootFingerprint, testSigner, toBase64 } from '@registry-bus/protocol';
import type { Receipt } from '@registry-bus/receipts';
import { chromium, type Browser, type Page } from 'playwright-core';

import { DepartmentStack } from './department-stack.js';

/**
 * A browser profile home whose NSS database (what Chromium on Linux trusts)
 * holds the stack's development CA, as a citizen's browser would hold a real
 * one: the portal is opened over HTTPS with certificate and name checked.
 * certutil is Debian's libnss3-tools (.ci/run installs it).
 */
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

const CERTUTIL = process.env.CERTUTIL_PATH ?? '/usr/bin/certutil';

/** Debian's Chromium (apt-get install chromium); Playwright's own browser download is not used. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join('test-output', 'screenshots');

const decision = { documentType: 'academic-decision', reference: 'AD-P-1' };
const diploma = (diplomaNumber: string) => ({
  diplomaNumber,
  institutionId: 'inst:tsu',
  holder: 'person:portal-holder',
  holderName: 'Tamar Portal-Holder',
  programme: 'Public Law',
  degree: 'master',
  awardedOn: '2026-06-30',
  basis: decision,
});
const parcel = (cadastralNumber: string) => ({
  cadastralNumber,
  areaSquareMetres: '400.00',
  location: 'Kutaisi',
  landUse: 'residential',
  owners: [{ ownerId: 'person:portal-owner', share: '1' }],
  basis: { documentType: 'survey', reference: 'S-P' },
});

/** The verifier as a user runs it on the command line: its verdict and first failed check. */
function cliVerdict(stack: DepartmentStack, file: string): { verdict: string; failed: string | undefined } {
  const result = spawnSync(
    process.execPath,
    [
      'bin/registry-bus.mjs',
      'verify',
      file,
      '--trust',
      join(stack.local, 'trust-bundle.json'),
      '--root',
      join(stack.local, 'trust-root.pub'),
      '--json',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (![0, 1, 3].includes(result.status ?? -1)) throw new Error(`the CLI could not run: ${result.stderr}`);
  const verdict = JSON.parse(result.stdout) as { verdict: string; failure?: { id: string } };
  return { verdict: verdict.verdict, failed: verdict.failure?.id };
}

/** `vite build` of the portal as `npm run build:portal` runs it, with the governance root `rootFile` built in. */
function buildPortal(outDir: string, rootFile: string, base = '/portal/'): void {
  const built = spawnSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'apps/portal/vite.config.ts',
      '--outDir',
      outDir,
      '--base',
      base,
    ],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PORTAL_TRUST_ROOT_FILE: rootFile } },
  );
  if (built.status !== 0) throw new Error(`vite build failed: ${built.stdout}${built.stderr}`);
}

/**
 * The portal in a real browser (Debian's Chromium, headless) against the
 * notary, the diploma and land registries on real Kafka and Postgres: a
 * diploma checked by number with its receipt verified in the page, a
 * revoked one, receipts good and bad checked alike by the page and the CLI,
 * and the operator view before and after a tamper drill.
 */
describe('portal in a browser', () => {
  const stack = new DepartmentStack();
  let browser: Browser;
  let page: Page;
  let base: string;
  const foreignRequests: string[] = [];
  let landClerk: string;
  /** The fingerprints of the stack's governance root, and of another root a second build trusts. */
  let stackRoot: string;
  const otherRoot = testSigner('governance', 'another-government');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `the portal tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run installs it), or set CHROMIUM_PATH`,
      );
    }
    // The portal as users get it: built by Vite from the current sources with the stack's root built in,
    // served by the portal's own app — and, under /portal/other/, one built with another government's root.
    await ensureDevTrust(stack.local, DEPARTMENTS);
    const rootFile = join(stack.local, 'trust-root.pub');
    stackRoot = rootFingerprint(fromBase64(readFileSync(rootFile, 'utf8').trim()));
    const otherRootFile = join(stack.local, 'other-trust-root.pub');
    writeFileSync(otherRootFile, `${toBase64(otherRoot.publicKey)}\n`);
    const portalDir = join(stack.local, 'portal');
    buildPortal(portalDir, rootFile);
    buildPortal(join(portalDir, 'other'), otherRootFile, '/portal/other/');
    await stack.start(['diploma', 'land']);
    await stack.start(['notary']);
    base = (await stack.startPortal(portalDir)).url;
    mkdirSync(SCREENSHOTS, { recursive: true });

    const admin = await stack.token('diploma', 'admin', 'admin:portal');
    const registered = await stack.call('diploma', 'POST', '/v1/institutions', {
      token: admin,
      body: {
        institutionId: 'inst:tsu',
        name: 'Tbilisi State University',
        accreditation: 'NCEQE-1',
        basis: { documentType: 'accreditation', reference: 'A-P' },
      },
    });
    expect(registered.status).toBe(201);
    const clerk = await stack.token('diploma', 'clerk', 'clerk:portal', 'inst:tsu');
    for (const number of ['TSU-P-0001', 'TSU-P-0002']) {
      expect(
        (await stack.call('diploma', 'POST', '/v1/diplomas', { token: clerk, body: diploma(number) })).status,
      ).toBe(201);
    }
    const revoked = await stack.call('diploma', 'POST', '/v1/diplomas/TSU-P-0002/revocation', {
      token: clerk,
      body: { reason: 'plagiarism established by the academic council', basis: decision },
    });
    expect(revoked.status).toBe(201);
    landClerk = await stack.token('land', 'clerk', 'clerk:portal');
    for (let i = 0; i < 3; i++) {
      expect(
        (await stack.call('land', 'POST', '/v1/parcels', { token: landClerk, body: parcel(`P-${i}`) })).status,
      ).toBe(201);
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      env: { ...process.env, HOME: browserHomeTrusting(stack.caFile, join(stack.local, 'browser-home')) },
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    // The pages may talk to their own origin only.
    page.on('request', (request) => {
      if (!request.url().startsWith(`${base}/`) && !request.url().startsWith('data:'))
        foreignRequests.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  afterEach(() => expect(foreignRequests).toEqual([]));

  /** The last entry of a diploma, anchored and witnessed (the page verifies the one its status rests on). */
  const witnessedReceipt = async (number: string): Promise<Receipt> => {
    const status = await stack.call('diploma', 'GET', `/v1/diplomas/${number}/status`);
    const latest = (status.body.receipts as Array<{ seq: number; receipt: string }>).sort((a, b) => b.seq - a.seq)[0]!;
    return stack.eventually(`the receipt of ${number} witnessed`, async () => {
      const answer = await stack.call('diploma', 'GET', latest.receipt);
      const receipt = answer.body as unknown as Receipt;
      // Witnesses cosign the anchor's checkpoint (#23); of the diploma registry's, only land runs here.
      return answer.status === 200 && receipt.checkpoint?.includes('\u2014 land ') ? receipt : undefined;
    });
  };

  const checkDiploma = async (number: string) => {
    await page.goto(`${base}/portal/#/diploma`);
    await page.getByLabel('Diploma number').fill(number);
    await page.keyboard.press('Enter');
    await page.locator('#diploma-result .verdict').waitFor({ timeout: 60_000 });
  };

  // Of the four departments that may witness the diploma registry (the default rule, 3 needed) only land runs
  // here, so one cosignature is there: every check passes, but no quorum has confirmed it — "not yet confirmed".
  it('shows a valid diploma with every check passed in plain words, not yet confirmed by a quorum, verified in the browser', async () => {
    await witnessedReceipt('TSU-P-0001');
    await checkDiploma('TSU-P-0001');
    await expect(page.locator('#diploma-result .status').getAttribute('data-status')).resolves.toBe('valid');
    const verdict = page.locator('#diploma-result .verdict');
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('below-quorum');
    expect(await verdict.locator('h2').innerText()).toMatch(/^Not yet confirmed/);
    await expect(verdict.locator('[data-shortfall]').getAttribute('data-shortfall')).resolves.toBe(
      'quorum: 1 of 3 independent cosignatures',
    );
    const lines = await verdict.locator('.headlines li').allInnerTexts();
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((line) => line.startsWith('Passed'))).toBe(true);
    expect(lines[3]).toMatch(/^Not yet confirmed/);
    expect(lines[0]).toMatch(/exactly what the diploma registry signed/);
    expect(lines[2]).toMatch(/anchored by the notary on .* UTC/);
    expect(lines[3]).toMatch(/1 department witnessed that anchor: the land registry\./);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/Public Law/);
    expect(text).not.toMatch(/Portal-Holder|person:portal-holder/);
    expect(text).toMatch(/does not prove that the record is still current/);
    // Every field has a label (accessibility), and the page works by keyboard alone (Enter submitted the form).
    const unlabelled = await page.$$eval('input, textarea', (fields) =>
      fields
        .filter((field) => (field as unknown as { labels: { length: number } | null }).labels?.length === 0)
        .map((field) => field.id),
    );
    expect(unlabelled).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'diploma-valid.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'diploma-valid-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('shows a revoked diploma as revoked, since when and why', async () => {
    await witnessedReceipt('TSU-P-0002');
    await checkDiploma('TSU-P-0002');
    const status = page.locator('#diploma-result .status');
    await expect(status.getAttribute('data-status')).resolves.toBe('revoked');
    const text = await status.innerText();
    expect(text).toMatch(/REVOKED/);
    expect(text).toMatch(/Revoked since .* UTC\. Reason: plagiarism established by the academic council/);
    // The receipt checked is the revocation's: the register recorded it, exactly so.
    await expect(page.locator('#diploma-result .verdict').getAttribute('data-verdict')).resolves.toBe('below-quorum');
    expect(await page.locator('#diploma-result .verdict').innerText()).toMatch(/gov\.diploma\.diploma\.revoked\.v1/);
    await page.screenshot({ path: join(SCREENSHOTS, 'diploma-revoked.png'), fullPage: true });
  });

  it('says plainly when a diploma number is unknown or malformed', async () => {
    await page.goto(`${base}/portal/#/diploma`);
    await page.getByLabel('Diploma number').fill('TSU-P-9999');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.locator('#diploma-result [role=alert]').innerText()).resolves.toMatch(
      /No answer for TSU-P-9999: .*TSU-P-9999/,
    );
  });

  it('agrees with the CLI on good and bad receipts, and names the check that failed', async () => {
    const good = await witnessedReceipt('TSU-P-0001');
    const altered = structuredClone(good);
    (altered.entry.disclosure.fields as Record<string, unknown>).degree = 'doctor';
    const wrongProof = structuredClone(good);
    wrongProof.inclusion.path = [...wrongProof.inclusion.path, 'ab'.repeat(32)];
    const forgedAnchor = structuredClone(good);
    (forgedAnchor.anchor.disclosure.fields as Record<string, unknown>).treeSize = '1000';
    // Land's cosignature line on the checkpoint, one byte of its signature changed.
    const lines = good.checkpoint!.split('\n');
    const land = lines.findIndex((line) => line.startsWith('\u2014 land '));
    lines[land] =
      `${lines[land]!.slice(0, -6)}${lines[land]!.slice(-6, -5) === 'A' ? 'B' : 'A'}${lines[land]!.slice(-5)}`;
    const forgedCosignature = { ...structuredClone(good), checkpoint: lines.join('\n') };
    const unknownFormat = { ...structuredClone(good), format: 'registry-bus/receipt/v99' };
    const cases: Record<string, unknown> = {
      good,
      altered,
      'wrong-proof': wrongProof,
      'forged-anchor': forgedAnchor,
      'forged-cosignature': forgedCosignature,
      'unknown-format': unknownFormat,
      'not-a-receipt': { hello: 'world' },
    };
    const verdicts: Record<string, { cli: unknown; browser: unknown }> = {};
    for (const [name, receipt] of Object.entries(cases)) {
      const file = join(stack.local, `receipt-${name}.json`);
      writeFileSync(file, JSON.stringify(receipt, null, 2));
      await page.goto(`${base}/portal/#/receipt`);
      await page.getByLabel('Receipt file').setInputFiles(file);
      const verdict = page.locator('#receipt-result .verdict');
      await verdict.waitFor();
      const browser = {
        verdict: await verdict.getAttribute('data-verdict'),
        failed: (await verdict.getAttribute('data-failed-check')) ?? undefined,
      };
      verdicts[name] = { cli: cliVerdict(stack, file), browser };
      if (name === 'altered') await page.screenshot({ path: join(SCREENSHOTS, 'receipt-altered.png'), fullPage: true });
    }
    for (const { cli, browser } of Object.values(verdicts)) expect(browser).toEqual(cli);
    expect(verdicts.good!.browser).toEqual({ verdict: 'below-quorum', failed: undefined });
    expect(verdicts.altered!.browser).toEqual({ verdict: 'invalid', failed: 'entry-data' });
    expect(verdicts['wrong-proof']!.browser).toEqual({ verdict: 'invalid', failed: 'inclusion' });
    expect(verdicts['forged-anchor']!.browser).toEqual({ verdict: 'invalid', failed: 'anchor-data' });
    expect(verdicts['forged-cosignature']!.browser).toEqual({ verdict: 'invalid', failed: 'checkpoint' });
    expect(verdicts['unknown-format']!.browser).toEqual({ verdict: 'invalid', failed: 'format' });

    // The altered field is named in plain words on the page.
    await page.goto(`${base}/portal/#/receipt`);
    await page.getByLabel('Or paste the receipt').fill(JSON.stringify(altered));
    await page.getByRole('button', { name: 'Check' }).click();
    const shown = await page.locator('#receipt-result .verdict').innerText();
    expect(shown).toMatch(/A check failed: the disclosed fields of the record are the ones it committed to/);
    expect(shown).toMatch(/Failed\s+The record is exactly what the diploma registry signed/);
  });

  it('shows the governance root built into it, the bundle version, and a root named in the link only beside it', async () => {
    await page.goto(`${base}/portal/?root=sha256:0123456789abcdef#/receipt`);
    const line = page.locator('#trust-root');
    await expect(line.getAttribute('data-fingerprint')).resolves.toBe(stackRoot);
    await page
      .locator('#trust-bundle-version')
      .filter({ hasText: /version/ })
      .waitFor();
    const text = await line.innerText();
    expect(text).toContain(`Receipts are checked under the governance root ${stackRoot}, built into this page.`);
    expect(text).toContain(`Trust bundle version ${stack.trustBundle().version}.`);
    expect(text).toContain(
      'The link you followed names the root sha256:0123456789abcdef: not the one this page trusts; it is shown only',
    );
    // …and the receipt is still checked under the built-in root: every check passes (the diploma
    // registry's chain has one witness running here, short of its quorum, so its verdict is below quorum, not refused).
    const file = join(stack.local, 'receipt-linked-root.json');
    writeFileSync(file, JSON.stringify(await witnessedReceipt('TSU-P-0001')));
    await page.getByLabel('Receipt file').setInputFiles(file);
    await expect(page.locator('#receipt-result .verdict').getAttribute('data-verdict')).resolves.toBe('below-quorum');
  });

  it('built with another root, refuses to check a receipt under this site’s root, naming both fingerprints', async () => {
    const file = join(stack.local, 'receipt-other-root.json');
    writeFileSync(file, JSON.stringify(await witnessedReceipt('TSU-P-0001')));
    await page.goto(`${base}/portal/other/#/receipt`);
    const other = rootFingerprint(otherRoot.publicKey);
    await expect(page.locator('#trust-root').getAttribute('data-fingerprint')).resolves.toBe(other);
    await page.getByLabel('Receipt file').setInputFiles(file);
    const refusal = page.locator('#receipt-result [role=alert]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe(
      `Refused: this site's trust bundle is signed under another governance root (${stackRoot}) than the one this page trusts (${other}). No receipt is checked against it.`,
    );
    expect(await page.locator('#receipt-result .verdict').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-other-root.png'), fullPage: true });
  });

  it('shows every running register to an operator, and the alarm after a tamper drill', async () => {
    const auditor = await stack.token('notary', 'auditor', 'auditor:portal');
    await page.goto(`${base}/portal/#/operator`);
    await page.getByLabel('Notary admin or auditor token').fill(auditor);
    await page.getByRole('button', { name: 'Show' }).click();
    for (const department of ['diploma', 'land', 'notary']) {
      await page.locator(`#operator-registers tr[data-department="${department}"]`).waitFor({ timeout: 30_000 });
    }
    // Anchored and witnessed, refreshed without a reload.
    await page
      .locator('#operator-registers tr[data-department="land"] td:nth-child(4)')
      .filter({ hasText: /land/ })
      .waitFor({ timeout: 60_000 });
    expect(await page.locator('#operator-feed li').count()).toBeGreaterThan(0);
    const feed = await page.locator('#operator-feed').innerText();
    expect(feed).toMatch(/gov\.land\.parcel\.registered\.v1/);
    expect(feed).not.toMatch(/portal-owner|Kutaisi/);
    await page.screenshot({ path: join(SCREENSHOTS, 'operator.png'), fullPage: true });

    // The tamper drill: a superuser cuts land's anchored tail and writes other entries in its place.
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    await stack.rewriteTail('land', head.treeSize - 2, false);
    for (let i = 10; i < 12; i++) {
      expect(
        (await stack.call('land', 'POST', '/v1/parcels', { token: landClerk, body: parcel(`P-${i}`) })).status,
      ).toBe(201);
    }
    const alarm = page.locator('#operator-alarms li[data-kind="head-mismatch"]').first();
    await alarm.waitFor({ timeout: 90_000 });
    expect(await alarm.innerText()).toMatch(/land/);
    await page.locator('#operator-registers tr[data-department="notary"].attention').waitFor({ timeout: 30_000 });
    await alarm.getByRole('button').click();
    await expect(page.locator('#operator-entry pre').innerText()).resolves.toMatch(/"kind": "head-mismatch"/);
    await page.screenshot({ path: join(SCREENSHOTS, 'operator-alarm.png'), fullPage: true });
  });

  it('refuses the operator data without a notary admin or auditor token, as problem+json', async () => {
    const none = await fetch(`${base}/v1/operator/overview`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const clerk = await stack.token('notary', 'clerk', 'clerk:notary');
    const wrongRole = await fetch(`${base}/v1/operator/overview`, { headers: { authorization: `Bearer ${clerk}` } });
    expect(wrongRole.status).toBe(403);
    const badSeq = await fetch(`${base}/v1/portal/receipts/diploma/zero`);
    expect(badSeq.status).toBe(400);
    expect(((await badSeq.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('seq');
    const traversal = await fetch(`${base}/portal/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
  });

  it('is an app of its own: the notary serves no page, and the portal reaches only the three operator routes', async () => {
    const notary = stack.get('notary').url;
    expect((await fetch(`${notary}/portal/`)).status).toBe(404);
    expect((await fetch(`${notary}/v1/portal/trust`)).status).toBe(404);
    // Nothing else of the notary through the portal: its token route is not relayed, nor a path into it.
    expect((await fetch(`${base}/v1/tokens`, { method: 'POST' })).status).toBe(404);
    const dotted = await fetch(`${base}/v1/operator/entries/..%2F..%2Ftokens/1`);
    expect(dotted.status).toBe(400);
    expect(((await dotted.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('chain');
    // The operator's own token decides, at the notary: an auditor's works through the portal, a clerk's does not.
    const auditor = await stack.token('notary', 'auditor', 'auditor:relay');
    const overview = await fetch(`${base}/v1/operator/overview`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { departments: unknown[] }).departments.length).toBeGreaterThan(0);
    const entry = await fetch(`${base}/v1/operator/entries/notary/1`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(entry.status).toBe(200);
    expect(((await entry.json()) as { seq: number }).seq).toBe(1);
  });
});
