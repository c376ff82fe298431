import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { rootFingerprint, signTrustBundle, testSigner, testTrustBundle, toBase64 } from '@registry-bus/protocol';

/**
 * The verifier's choice of root, run as a user runs it (`node
 * bin/registry-bus.mjs verify …`): a bundle handed over with its own
 * trust-root.pub beside it is not trusted for it, only the pinned root or
 * an explicit --root, and the fingerprint it trusted is printed.
 */
describe('registry-bus verify: the root it trusts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-cli-root-'));
  const evil = join(dir, 'evil');
  const pinned = testSigner('governance', 'pinned');
  const stranger = testSigner('governance', 'stranger');
  const pinnedFile = join(dir, 'pinned-root.pub');
  const receiptFile = join(dir, 'receipt.json');

  beforeAll(async () => {
    mkdirSync(evil);
    const signed = await signTrustBundle(testTrustBundle({ land: [testSigner('land')] }, 7), stranger);
    writeFileSync(join(evil, 'trust-bundle.json'), JSON.stringify(signed));
    writeFileSync(join(evil, 'trust-root.pub'), `${toBase64(stranger.publicKey)}\n`);
    writeFileSync(pinnedFile, `${toBase64(pinned.publicKey)}\n`);
    writeFileSync(receiptFile, JSON.stringify({ hello: 'world' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], pinnedRoot: string) =>
    spawnSync(process.execPath, ['bin/registry-bus.mjs', 'verify', receiptFile, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, REGISTRY_BUS_TRUST_ROOT_FILE: pinnedRoot },
    });

  it('refuses a bundle whose only root is the trust-root.pub beside it, naming both fingerprints', () => {
    const sut = run(['--trust', join(evil, 'trust-bundle.json')], pinnedFile);
    expect(sut.status).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain(`does not verify under the root ${rootFingerprint(pinned.publicKey)} (pinned: `);
    expect(sut.stderr).toContain(`the key beside it is ${rootFingerprint(stranger.publicKey)}`);
    expect(sut.stderr).toMatch(/trust-root\.pub beside the bundle is not trusted: pass --root/);
  });

  it('does not fall back to the key beside the bundle when no root is pinned', () => {
    const sut = run(['--trust', join(evil, 'trust-bundle.json')], join(dir, 'absent.pub'));
    expect(sut.status).toBe(2);
    expect(sut.stderr).toMatch(/no pinned root public key at .*absent\.pub: pass --root <trust-root\.pub>/);
  });

  it('trusts the root given with --root, and prints its fingerprint and the bundle version', () => {
    const sut = run(['--trust', join(evil, 'trust-bundle.json'), '--root', join(evil, 'trust-root.pub')], pinnedFile);
    // The trust was taken; the file is no receipt, so the verdict is INVALID (exit 1), with the root it used.
    expect(sut.status).toBe(1);
    expect(sut.stdout).toMatch(/^INVALID /);
    expect(sut.stdout).toContain(`  root:  ${rootFingerprint(stranger.publicKey)}\n`);
    expect(sut.stdout).toMatch(/version 7, signed by the root sha256:[0-9a-f]{16} \(--root: /);

    const json = run(
      ['--trust', join(evil, 'trust-bundle.json'), '--root', join(evil, 'trust-root.pub'), '--json'],
      pinnedFile,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      root: rootFingerprint(stranger.publicKey),
      trustBundleVersion: 7,
    });
  });

  it('trusts the pinned root when the bundle is signed by it', async () => {
    const own = join(dir, 'own-bundle.json');
    writeFileSync(
      own,
      JSON.stringify(await signTrustBundle(testTrustBundle({ land: [testSigner('land')] }, 3), pinned)),
    );
    const sut = run(['--trust', own, '--json'], pinnedFile);
    expect(sut.status).toBe(1);
    expect(JSON.parse(sut.stdout)).toMatchObject({ root: rootFingerprint(pinned.publicKey), trustBundleVersion: 3 });
  });
});
