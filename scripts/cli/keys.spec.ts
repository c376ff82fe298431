import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ensureDevTrust,
  fromBase64,
  loadOrCreateFileSigner,
  parseStrictJson,
  publicKeyOf,
  toBase64,
  verifyBundleSuccession,
  type SignedTrustBundle,
  type StoredKey,
} from '@registry-bus/protocol';

/**
 * `npm run keys` as an operator runs it, on a development trust of land and
 * the notary: a rotation and a compromise each make an unsigned next bundle
 * (and a new key, never over the old one), each governance holder adds one
 * signature, and every bad input exits 2 naming it, writing nothing.
 */
describe('npm run keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-keys-'));
  const local = join(dir, 'local');
  const keysDir = join(local, 'keys');
  const bundleFile = join(local, 'trust-bundle.json');
  let current: SignedTrustBundle;
  let root: Uint8Array;

  beforeAll(async () => {
    const trust = await ensureDevTrust(local, ['land', 'notary']);
    current = trust.signed;
    root = fromBase64(readFileSync(trust.rootPublicKeyFile, 'utf8').trim());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const keys = (...args: string[]) => {
    const result = spawnSync(
      process.execPath,
      ['--import', './scripts/ts-loader/register.js', 'scripts/cli/keys.ts', ...args],
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const read = (file: string) => parseStrictJson(readFileSync(file, 'utf8'), file) as SignedTrustBundle;
  const landKeys = (signed: SignedTrustBundle) => signed.bundle.departments.find((d) => d.id === 'land')!.keys;

  it('rotate: a new land key beside the old one, the old retired after the overlap, in an unsigned next bundle', () => {
    const out = join(dir, 'rotated.json');
    const oldKeyFile = readFileSync(join(keysDir, 'land', 'signing-key.json'), 'utf8');
    const sut = keys('rotate', 'land', '--bundle', bundleFile, '--keys-dir', keysDir, '--overlap', '2h', '--out', out);
    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    const next = read(out);
    expect(next.signatures).toBeUndefined();
    expect(next.bundle.version).toBe(current.bundle.version + 1);
    const [old, fresh] = landKeys(next);
    expect(old).toEqual({ ...landKeys(current)[0], validUntil: expect.any(String) });
    expect(Date.parse(old!.validUntil!) - Date.parse(fresh!.validFrom)).toBe(2 * 3600_000);
    // The new private key where land's key lives, owner-only; the one in use untouched.
    const keyFile = join(keysDir, 'land', `signing-key.${fresh!.keyId}.json`);
    const stored = parseStrictJson(readFileSync(keyFile, 'utf8'), keyFile) as StoredKey;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(toBase64(publicKeyOf(fromBase64(stored.secretKey)))).toBe(fresh!.publicKey);
    expect(stored).toMatchObject({ keyId: fresh!.keyId, department: 'land' });
    expect(readFileSync(join(keysDir, 'land', 'signing-key.json'), 'utf8')).toBe(oldKeyFile);
    expect(sut.stdout).toContain(
      `rotated land: new key ${fresh!.keyId} (valid from ${fresh!.validFrom}) in ${keyFile}\n`,
    );
    expect(sut.stdout).toContain(`  retired at ${old!.validUntil}: ${old!.keyId}\n`);

    // A second rotation to the same file overwrites nothing.
    const again = keys('rotate', 'land', '--bundle', bundleFile, '--keys-dir', keysDir, '--out', out);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(`keys: ${out} exists already: not overwritten (--out <file>)\n`);
  });

  it('sign-bundle: the governance key adds its signature, and the bundle then follows the one in force', () => {
    const out = join(dir, 'rotated.json');
    const governance = loadOrCreateFileSigner(join(keysDir, 'governance'), 'governance');
    const sut = keys('sign-bundle', out, '--key', join(keysDir, 'governance'));
    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    expect(sut.stdout).toBe(
      `signed bundle version ${current.bundle.version + 1} with ${governance.keyId}: 1 signature(s) now ` +
        `(${governance.keyId})\n  written to ${out}\n`,
    );
    const signed = read(out);
    expect(verifyBundleSuccession(current.bundle, signed, root)).toEqual(signed.bundle);

    const twice = keys('sign-bundle', out, '--key', join(keysDir, 'governance'));
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe(`keys: the bundle already carries a signature of '${governance.keyId}'\n`);
    expect(read(out)).toEqual(signed);
  });

  it('revoke: the key revoked now, with the vouched checkpoint and the legitimate entries after it', () => {
    const out = join(dir, 'revoked.json');
    const root64 = 'ab'.repeat(32);
    const hash = 'cd'.repeat(32);
    const sut = keys(
      'revoke',
      'land',
      '--compromised-since',
      `12:${root64.toUpperCase()}`,
      '--legitimate',
      hash,
      '--bundle',
      bundleFile,
      '--out',
      out,
    );
    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    const [key] = landKeys(read(out));
    expect(key).toEqual({
      ...landKeys(current)[0],
      revokedAt: expect.any(String),
      revocationReason: 'compromised',
      compromise: [{ chain: 'land', size: 12, root: root64, legitimate: [hash] }],
    });
    expect(sut.stdout).toContain(`revoked ${key!.keyId} of land at ${key!.revokedAt} (compromised)\n`);
    expect(sut.stdout).toContain(`  land: vouched up to size 12 (root ${root64}), 1 legitimate entries after it\n`);
    // The new key after the revocation: nothing left to retire.
    const rotated = keys('rotate', 'land', '--bundle', out, '--keys-dir', keysDir, '--out', join(dir, 'after.json'));
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toContain('  no key of land was in use (revoked): nothing retired\n');
    expect(landKeys(read(join(dir, 'after.json')))).toEqual([
      key,
      expect.objectContaining({ validFrom: expect.any(String) }),
    ]);
  });

  it.each([
    [
      ['revoke', 'land', '--compromised-since', '12:zz'],
      `keys: --compromised-since: '12:zz' is not <size>:<root hex> (or <chain>=<size>:<root hex>), e.g. 42:${'ab'.repeat(32)}\n`,
    ],
    [['revoke', 'land'], 'keys: --compromised-since is required: the last checkpoint the department vouches for\n'],
    [
      ['revoke', 'land', '--compromised-since', `court=3:${'ab'.repeat(32)}`],
      "keys: --compromised-since: chain 'court' is not a chain of 'land'\n",
    ],
    [
      ['revoke', 'land', '--compromised-since', `3:${'ab'.repeat(32)}`, '--legitimate', 'xyz'],
      "keys: --legitimate: 'xyz' is not an entry hash (64 lower-case hex digits)\n",
    ],
    [['rotate', 'court'], "keys: department 'court' is not in trust bundle version 1 (it has land, notary)\n"],
    [
      ['rotate', 'land', '--overlap', 'soon'],
      "keys: --overlap: 'soon' is not a duration such as 24h, 90m, 3600s or 7d\n",
    ],
    [['sign-bundle', 'absent.json', '--key', 'nowhere'], 'keys: no trust bundle at '],
    [['sign-bundle', 'absent.json'], 'keys: sign-bundle: --key <governance key dir> is required'],
  ])('%j exits 2 naming the bad input, writing nothing', (args, message) => {
    const out = join(dir, `never-${args[0]}.json`);
    const sut = keys(...args, '--bundle', bundleFile, '--keys-dir', keysDir, '--out', out);
    expect(sut.status).toBe(2);
    expect(sut.stderr.startsWith(message)).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('activate: the new key becomes signing-key.json, the old one kept under its id', () => {
    const fresh = landKeys(read(join(dir, 'rotated.json')))[1]!;
    const old = loadOrCreateFileSigner(join(keysDir, 'land'), 'land');
    const sut = keys('activate', 'land', fresh.keyId, '--keys-dir', keysDir);
    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    expect(loadOrCreateFileSigner(join(keysDir, 'land'), 'land').keyId).toBe(fresh.keyId);
    expect(existsSync(join(keysDir, 'land', `signing-key.${old.keyId}.json`))).toBe(true);
    const missing = keys('activate', 'land', 'land-nope', '--keys-dir', keysDir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`keys: no key land-nope at ${join(keysDir, 'land', 'signing-key.land-nope.json')}\n`);
  });
});
