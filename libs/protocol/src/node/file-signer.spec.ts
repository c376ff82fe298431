import { mkdtempSync, rmSync } from 'node:fs';
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
});
