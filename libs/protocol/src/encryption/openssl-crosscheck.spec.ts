// Checked by code nobody here wrote: the openssl command line derives the
// field key from the inputs as docs/PROTOCOL.md spells them (written out by
// hand below, not by our encoder), and node:crypto's AES-256-GCM opens a
// field we sealed with WebCrypto, given that hand-built associated data.
// openssl cannot do HPKE; the key release is held to RFC 9180's own vectors
// in key-release.spec.ts.
import { execFileSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';

import { sealField } from './field-cipher.js';
import { deriveFieldKey } from './field-key.js';

function openssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('this cross-check needs the openssl command (3.0 or later): apt-get install openssl');
    }
    throw error;
  }
}

const lp = (bytes: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const u64 = (n: number) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
};

const SUBJECT_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const CHAIN = 'diploma/3';
const SEQ = 4_503_599_627_370_497; // 2^52 + 1: all eight bytes of the seq matter
const TYPE = 'gov.diploma.diploma.issued.v1';
const PATH = ['holders', '2'];
const HASH = '5e0c'.repeat(16);

describe('cross-check with OpenSSL', () => {
  const info = Buffer.concat([
    lp(Buffer.from('registry-bus/field-key/v1')),
    lp(Buffer.from(CHAIN)),
    lp(u64(SEQ)),
    lp(Buffer.from(TYPE)),
    lp(Buffer.concat(PATH.map((segment) => lp(Buffer.from(segment))))),
  ]);

  it('openssl kdf HKDF (SHA-256, no salt) derives our field key', () => {
    const output = openssl([
      'kdf',
      '-keylen',
      '32',
      '-kdfopt',
      'digest:SHA256',
      '-kdfopt',
      `hexkey:${SUBJECT_KEY.toString('hex')}`,
      '-kdfopt',
      `hexinfo:${info.toString('hex')}`,
      'HKDF',
    ]);
    const theirs = output.trim().replace(/:/g, '').toLowerCase();
    expect(theirs).toMatch(/^[0-9a-f]{64}$/);
    expect(
      Buffer.from(deriveFieldKey(SUBJECT_KEY, { chain: CHAIN, seq: SEQ, type: TYPE, field: PATH })).toString('hex'),
    ).toBe(theirs);
  });

  it('openssl kdf agrees with RFC 5869 A.1 (the command is read as we think)', () => {
    const output = openssl([
      'kdf',
      '-keylen',
      '42',
      '-kdfopt',
      'digest:SHA256',
      '-kdfopt',
      `hexkey:${'0b'.repeat(22)}`,
      '-kdfopt',
      'hexsalt:000102030405060708090a0b0c',
      '-kdfopt',
      'hexinfo:f0f1f2f3f4f5f6f7f8f9',
      'HKDF',
    ]);
    expect(output.trim().replace(/:/g, '').toLowerCase()).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it("node:crypto's AES-256-GCM opens our sealed field with the associated data of the documentation", async () => {
    const fieldKey = deriveFieldKey(SUBJECT_KEY, { chain: CHAIN, seq: SEQ, type: TYPE, field: PATH });
    const salt = 'Xw2Xw2Xw2Xw2Xw2Xw2Xw2A';
    const sealed = await sealField(
      fieldKey,
      { chain: CHAIN, seq: SEQ, field: PATH, hash: HASH },
      { salt, value: 'Ana Novak' },
    );
    const ad = Buffer.concat([
      lp(Buffer.from('registry-bus/field-ad/v1')),
      lp(Buffer.from(CHAIN)),
      lp(u64(SEQ)),
      lp(Buffer.concat(PATH.map((segment) => lp(Buffer.from(segment))))),
      lp(Buffer.from(HASH, 'hex')),
    ]);
    const ct = Buffer.from(sealed.ct, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', fieldKey, Buffer.from(sealed.nonce, 'base64url'));
    decipher.setAAD(ad);
    decipher.setAuthTag(ct.subarray(ct.length - 16));
    const plaintext = Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]);
    expect(plaintext.toString('utf8')).toBe(`["${salt}","Ana Novak"]`);
  });
});
