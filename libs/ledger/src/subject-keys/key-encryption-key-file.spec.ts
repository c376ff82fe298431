import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadOrCreateDataKek } from './key-encryption-key-file.js';

describe('loadOrCreateDataKek', () => {
  let parent: string;
  let keysDir: string;
  let file: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'data-kek-'));
    keysDir = join(parent, 'keys', 'land');
    file = join(keysDir, 'data-kek.json');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  function writeKekFile(text: string, mode = 0o600): void {
    loadOrCreateDataKek(keysDir);
    writeFileSync(file, text);
    chmodSync(file, mode);
  }

  it('creates the directory 0700 and the file 0600 holding {"v":1,"id":"kek-<16 hex>","key":"<base64url 32 bytes>"}', () => {
    const sut = loadOrCreateDataKek(keysDir);

    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(stored)).toEqual(['v', 'id', 'key']);
    expect(stored.v).toBe(1);
    expect(stored.id).toMatch(/^kek-[0-9a-f]{16}$/);
    expect(stored.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sut.id).toBe(stored.id);
    expect(Buffer.from(sut.key).toString('base64url')).toBe(stored.key);
    expect(sut.key).toHaveLength(32);
  });

  it('leaves no draft file behind', () => {
    loadOrCreateDataKek(keysDir);

    expect(readdirSync(keysDir)).toEqual(['data-kek.json']);
  });

  it('reads the same KEK again from its file', () => {
    const first = loadOrCreateDataKek(keysDir);

    const sut = loadOrCreateDataKek(keysDir);

    expect(sut.id).toBe(first.id);
    expect(Buffer.from(sut.key).toString('hex')).toBe(Buffer.from(first.key).toString('hex'));
  });

  it('gives two creations one KEK', () => {
    const [first, second] = [loadOrCreateDataKek(keysDir), loadOrCreateDataKek(keysDir)];

    expect(second.id).toBe(first.id);
    expect(Buffer.from(second.key).equals(Buffer.from(first.key))).toBe(true);
  });

  it('gives processes racing to create it one KEK', async () => {
    const module = fileURLToPath(new URL('./key-encryption-key-file.ts', import.meta.url));
    const loader = fileURLToPath(new URL('../../../../scripts/ts-loader/register.js', import.meta.url));
    const racer = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            loader,
            '--input-type=module',
            '-e',
            `const { loadOrCreateDataKek } = await import(${JSON.stringify(module)});
             const kek = loadOrCreateDataKek(${JSON.stringify(keysDir)});
             process.stdout.write(kek.id + ' ' + Buffer.from(kek.key).toString('hex'));`,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (err += chunk));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`racer exited ${code}: ${err}`))));
      });

    const sut = await Promise.all([racer(), racer(), racer(), racer()]);

    expect(new Set(sut).size).toBe(1);
    expect(sut[0]).toBe(
      `${loadOrCreateDataKek(keysDir).id} ${Buffer.from(loadOrCreateDataKek(keysDir).key).toString('hex')}`,
    );
    expect(readdirSync(keysDir)).toEqual(['data-kek.json']);
  }, 60_000);

  it('refuses a file group or others may read, naming the file', () => {
    loadOrCreateDataKek(keysDir);
    chmodSync(file, 0o644);

    expect(() => loadOrCreateDataKek(keysDir)).toThrow(
      `${file} holds a secret but its mode is 0644 (others may read or write it): refused; ` +
        `make it the owner's alone (chmod 600 ${file}) and, if others could read it, rotate the secret`,
    );
  });

  it.each([
    ['text that is not JSON', 'kek', /^.+ is not a data KEK file: /],
    ['an array', '[]', /is not a data KEK file: not a JSON object$/],
    [
      'another version',
      '{"v":2,"id":"kek-0011223344556677","key":"AAAA"}',
      /is not a data KEK file: version 2, expected 1$/,
    ],
    [
      'an id of another shape',
      `{"v":1,"id":"kek-1","key":"${'A'.repeat(43)}"}`,
      /is not a data KEK file: id "kek-1" is not kek-<16 hex>$/,
    ],
    [
      'a key in standard base64 with padding',
      `{"v":1,"id":"kek-0011223344556677","key":"${'A'.repeat(42)}+="}`,
      /is not a data KEK file: key is not base64url without padding$/,
    ],
    [
      'a 16-byte key',
      `{"v":1,"id":"kek-0011223344556677","key":"${Buffer.alloc(16).toString('base64url')}"}`,
      /is not a data KEK file: its key is 16 bytes, a data KEK is 32$/,
    ],
  ])('refuses %s, naming the file', (_scenario, text, reason) => {
    writeKekFile(text);

    expect(() => loadOrCreateDataKek(keysDir)).toThrow(reason);
    expect(() => loadOrCreateDataKek(keysDir)).toThrow(`${file} is not a data KEK file: `);
  });

  it('keeps a refused file as it was: a KEK is never replaced behind the operator', () => {
    writeKekFile('kek');

    expect(() => loadOrCreateDataKek(keysDir)).toThrow();

    expect(readFileSync(file, 'utf8')).toBe('kek');
  });
});
