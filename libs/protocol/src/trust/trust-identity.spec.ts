import { fromHex } from '../encoding/bytes.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { rootFingerprint, trustBundleDigest } from './trust-identity.js';

describe('rootFingerprint', () => {
  it('is sha256: and the first 16 hex digits of SHA-256 over the raw key', () => {
    // SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925.
    expect(rootFingerprint(new Uint8Array(32))).toBe('sha256:66687aadf862bd77');
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2).
    expect(rootFingerprint(fromHex('616263'))).toBe('sha256:ba7816bf8f01cfea');
  });

  it('differs for two keys', () => {
    const a = testSigner('governance', 'a');
    const b = testSigner('governance', 'b');
    expect(rootFingerprint(a.publicKey)).not.toBe(rootFingerprint(b.publicKey));
    expect(rootFingerprint(a.publicKey)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });
});

describe('trustBundleDigest', () => {
  it('is the same for the same content in any key order, and changes with the content', () => {
    const bundle = testTrustBundle({ land: [testSigner('land')] });
    const reordered = { departments: bundle.departments, issuedAt: bundle.issuedAt, version: bundle.version };
    expect(trustBundleDigest(reordered)).toBe(trustBundleDigest(bundle));
    expect(trustBundleDigest({ ...bundle, issuedAt: '2030-01-01T00:00:00.000Z' })).not.toBe(trustBundleDigest(bundle));
    expect(trustBundleDigest(bundle)).toMatch(/^[0-9a-f]{64}$/);
  });
});
