import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { utf8 } from '../encoding/bytes.js';
import type { Signer } from '../signing/signer.js';
import { testSigner } from '../fixtures/test-department.js';
import { loadOrCreateFileSigner } from './file-signer.js';
import { verifyEd25519Node } from './node-ed25519.js';

describe('the file signer through the signing port', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-signer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const message = utf8('registry-bus/entry/v1\nsome hash');

  it('makes a signature that verifies with its public key', async () => {
    const sut: Signer = loadOrCreateFileSigner(dir, 'land');

    const signature = await sut.sign(message);

    expect(signature).toHaveLength(64);
    expect(verifyEd25519Node(signature, message, sut.publicKey)).toBe(true);
  });

  it('makes a signature that fails under another key', async () => {
    const sut: Signer = loadOrCreateFileSigner(dir, 'land');

    const signature = await sut.sign(message);

    expect(verifyEd25519Node(signature, message, testSigner('land').publicKey)).toBe(false);
  });

  it('makes a signature that fails for another message', async () => {
    const sut: Signer = loadOrCreateFileSigner(dir, 'land');

    const signature = await sut.sign(message);

    expect(verifyEd25519Node(signature, utf8('another message'), sut.publicKey)).toBe(false);
  });

  it('signs with the same key when loaded again from its file', async () => {
    const first = loadOrCreateFileSigner(dir, 'land');
    const sut: Signer = loadOrCreateFileSigner(dir, 'land');

    const signature = await sut.sign(message);

    expect(sut.keyId).toBe(first.keyId);
    expect(verifyEd25519Node(signature, message, first.publicKey)).toBe(true);
  });

  it('offers only the port: no synchronous signing to come to rely on', () => {
    const sut = loadOrCreateFileSigner(dir, 'land');

    expect('signSync' in sut).toBe(false);
  });

  it('writes a new key file that only its owner may read', () => {
    loadOrCreateFileSigner(dir, 'land');

    expect((statSync(join(dir, 'signing-key.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it.each(['644', '640', '604', '660'])(
    'refuses a key file of mode %s, naming the file, and leaves it as it was',
    (octal) => {
      const mode = parseInt(octal, 8);
      const first = loadOrCreateFileSigner(dir, 'land');
      const file = join(dir, 'signing-key.json');
      const before = readFileSync(file, 'utf8');
      chmodSync(file, mode);

      expect(() => loadOrCreateFileSigner(dir, 'land')).toThrow(
        `${file} holds a secret but its mode is 0${mode.toString(8)} (others may read or write it): refused; ` +
          `make it the owner's alone (chmod 600 ${file}) and, if others could read it, rotate the secret`,
      );
      expect(readFileSync(file, 'utf8')).toBe(before);
      chmodSync(file, 0o600);
      expect(loadOrCreateFileSigner(dir, 'land').keyId).toBe(first.keyId);
    },
  );
});
