import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SignatureDomain, sealEntrySync, signingMessage, testSigner } from '@registry-bus/protocol';

/** An independent implementation (OpenSSL's command line) checks our entry signatures. */
describe('entry signatures checked by openssl pkeyutl -verify -rawin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-openssl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signer = testSigner('land');
  const sealed = sealEntrySync(
    {
      chain: 'land',
      seq: 1,
      prevhash: new Uint8Array(32),
      type: 'gov.land.parcel.registered.v1',
      subject: 'CAD-1',
      data: { area: '10.00' },
      actor: 'clerk:1',
    },
    signer,
  );
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(signer.publicKey)]);
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;

  function opensslVerifies(message: Uint8Array, signature: Uint8Array): boolean {
    writeFileSync(join(dir, 'key.pem'), pem);
    writeFileSync(join(dir, 'message.bin'), message);
    writeFileSync(join(dir, 'signature.bin'), signature);
    try {
      execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          join(dir, 'key.pem'),
          '-rawin',
          '-in',
          join(dir, 'message.bin'),
          '-sigfile',
          join(dir, 'signature.bin'),
        ],
        {
          stdio: 'pipe',
        },
      );
      return true;
    } catch {
      return false;
    }
  }

  it('verifies a signature made by the library', () => {
    expect(opensslVerifies(signingMessage(SignatureDomain.ENTRY, sealed.hash), sealed.sig)).toBe(true);
  });

  it('refuses the signature over another domain tag or a tampered hash', () => {
    expect(opensslVerifies(signingMessage(SignatureDomain.ANCHOR, sealed.hash), sealed.sig)).toBe(false);
    const hash = Uint8Array.from(sealed.hash);
    hash[0]! ^= 1;
    expect(opensslVerifies(signingMessage(SignatureDomain.ENTRY, hash), sealed.sig)).toBe(false);
  });
});
