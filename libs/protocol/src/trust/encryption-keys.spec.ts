import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { encryptionKeyId, formatEncryptionKey, generateEncryptionKeyPair } from '../encryption/encryption-key.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { ensureDevTrust } from '../node/dev-trust.js';
import { loadEncryptionKeyPair } from '../node/file-signer.js';
import { verifyBundleSuccession } from './bundle-succession.js';
import { encryptionKeyOf } from './encryption-keys.js';
import { signTrustBundle, verifyTrustBundle, type TrustBundle } from './trust-bundle.js';

const root = testSigner('governance', 'root');
const land = testSigner('land');
const oldPair = generateEncryptionKeyPair();
const newPair = generateEncryptionKeyPair();
const oldKey = {
  ...formatEncryptionKey(encryptionKeyId('land', oldPair.publicKey), oldPair.publicKey),
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-07-01T00:00:00.000Z',
};
const newKey = {
  ...formatEncryptionKey(encryptionKeyId('land', newPair.publicKey), newPair.publicKey),
  validFrom: '2026-06-01T00:00:00.000Z',
};
const bundle: TrustBundle = {
  ...testTrustBundle({ land: [land], court: [testSigner('court')] }),
  departments: [
    { id: 'land', keys: testTrustBundle({ land: [land] }).departments[0]!.keys, encryptionKeys: [oldKey, newKey] },
    { id: 'court', keys: testTrustBundle({ court: [testSigner('court')] }).departments[0]!.keys },
  ],
};
const withKeys = (change: (keys: Record<string, unknown>[]) => void): TrustBundle => {
  const copy = structuredClone(bundle);
  change(copy.departments[0]!.encryptionKeys as unknown as Record<string, unknown>[]);
  return copy;
};
const refusal = (reason: string | RegExp, attribute: string) =>
  expect.objectContaining({ code: ProtocolErrorCode.BAD_TRUST_BUNDLE, reason, attribute });

describe('encryption keys in the trust bundle', () => {
  it('verifies a bundle listing encryption keys beside the signing keys', async () => {
    expect(verifyTrustBundle(await signTrustBundle(bundle, root), root.publicKey)).toEqual(bundle);
  });

  it.each([
    [
      'another algorithm',
      (keys: Record<string, unknown>[]) => (keys[0]!.alg = 'P-256'),
      `encryption key '${oldKey.keyId}' of 'land': algorithm "P-256" is not X25519`,
      'departments[0].encryptionKeys[0].alg',
    ],
    [
      'a key not 32 bytes',
      (keys: Record<string, unknown>[]) => (keys[1]!.publicKey = toBase64(new Uint8Array(31))),
      `encryption key '${newKey.keyId}' of 'land': an X25519 key is 32 bytes`,
      'departments[0].encryptionKeys[1].publicKey',
    ],
    [
      'an unknown member',
      (keys: Record<string, unknown>[]) => (keys[0]!.owner = 'x'),
      `encryption key '${oldKey.keyId}' of 'land': unknown member 'owner'`,
      'departments[0].encryptionKeys[0]',
    ],
    [
      'a key id naming another key',
      (keys: Record<string, unknown>[]) => (keys[0]!.keyId = newKey.keyId),
      `encryption key '${newKey.keyId}' of 'land': its key id must name its key, '${oldKey.keyId}'`,
      'departments[0].encryptionKeys[0].keyId',
    ],
    [
      'a key listed twice',
      (keys: Record<string, unknown>[]) => keys.push({ ...oldKey }),
      `encryption key '${oldKey.keyId}' of 'land': listed twice (also under 'land')`,
      'departments[0].encryptionKeys[2].keyId',
    ],
    [
      'a validity that is not an instant',
      (keys: Record<string, unknown>[]) => (keys[1]!.revokedAt = 'soon'),
      `encryption key '${newKey.keyId}' of 'land': revokedAt 'soon' is not an instant`,
      'departments[0].encryptionKeys[1].revokedAt',
    ],
    [
      'a window that ends before it starts',
      (keys: Record<string, unknown>[]) => (keys[0]!.validUntil = '2025-01-01T00:00:00.000Z'),
      `encryption key '${oldKey.keyId}' of 'land': validUntil 2025-01-01T00:00:00.000Z is not after validFrom 2026-01-01T00:00:00.000Z`,
      'departments[0].encryptionKeys[0].validUntil',
    ],
  ])('refuses %s, naming the department and the key', async (_, change, reason, attribute) => {
    const signed = await signTrustBundle(withKeys(change), root);
    expect(() => verifyTrustBundle(signed, root.publicKey)).toThrow(refusal(reason, attribute));
  });

  it('encryptionKeyOf: the key valid at the time, the newer one in a rotation', () => {
    const at = (time: string) => encryptionKeyOf(bundle, 'land', new Date(time));
    expect(at('2026-03-01T00:00:00.000Z')).toEqual({
      keyId: oldKey.keyId,
      alg: 'X25519',
      publicKey: oldPair.publicKey,
    });
    expect(at('2026-06-15T00:00:00.000Z').keyId).toBe(newKey.keyId);
    expect(at('2027-01-01T00:00:00.000Z').keyId).toBe(newKey.keyId);
  });

  it('encryptionKeyOf: clear errors for an unknown department, none listed, none valid, all revoked', () => {
    expect(() => encryptionKeyOf(bundle, 'diploma', new Date())).toThrow(
      expect.objectContaining({
        code: ProtocolErrorCode.UNKNOWN_KEY,
        reason: "department 'diploma' is not in trust bundle version 1",
      }),
    );
    expect(() => encryptionKeyOf(bundle, 'court', new Date())).toThrow(
      expect.objectContaining({
        code: ProtocolErrorCode.UNKNOWN_KEY,
        reason: "department 'court' lists no encryption key in trust bundle version 1",
      }),
    );
    expect(() => encryptionKeyOf(bundle, 'land', new Date('2025-01-01T00:00:00.000Z'))).toThrow(
      expect.objectContaining({
        code: ProtocolErrorCode.KEY_NOT_VALID_AT_TIME,
        reason:
          `no encryption key of 'land' holds at 2025-01-01T00:00:00.000Z: '${oldKey.keyId}' is valid from ` +
          `2026-01-01T00:00:00.000Z; '${newKey.keyId}' is valid from 2026-06-01T00:00:00.000Z`,
      }),
    );
    const revoked = withKeys((keys) => {
      keys[0]!.revokedAt = '2026-02-01T00:00:00.000Z';
      keys[1]!.revokedAt = '2026-08-01T00:00:00.000Z';
      keys[1]!.revocationReason = 'laptop stolen';
    });
    expect(() => encryptionKeyOf(revoked, 'land', new Date('2026-09-01T00:00:00.000Z'))).toThrow(
      expect.objectContaining({
        code: ProtocolErrorCode.KEY_REVOKED,
        reason: expect.stringContaining(`'${newKey.keyId}' was revoked at 2026-08-01T00:00:00.000Z (laptop stolen)`),
      }),
    );
  });
});

describe('encryption keys across bundle succession', () => {
  const next = async (change: (keys: Record<string, unknown>[]) => void) => {
    const bundle2 = withKeys(change);
    bundle2.version = 2;
    return signTrustBundle(bundle2, root);
  };

  it('accepts a bundle that keeps them and revokes one', async () => {
    const signed = await next((keys) => (keys[1]!.revokedAt = '2026-09-01T00:00:00.000Z'));
    expect(verifyBundleSuccession(bundle, signed, root.publicKey)).toEqual(signed.bundle);
  });

  it('refuses dropping an encryption key', async () => {
    const signed = await next((keys) => keys.splice(0, 1));
    expect(() => verifyBundleSuccession(bundle, signed, root.publicKey)).toThrow(
      refusal(
        `bundle version 2 drops encryption key '${oldKey.keyId}' of 'land': no key ever leaves the bundle (retire or revoke it instead)`,
        'bundle.departments',
      ),
    );
  });

  it('refuses another public key under a kept key id', async () => {
    const signed = await next((keys) => (keys[1]!.publicKey = oldKey.publicKey));
    expect(() => verifyBundleSuccession(bundle, signed, root.publicKey)).toThrow(
      refusal(`encryption key '${newKey.keyId}' of 'land' has another public key`, 'bundle.departments'),
    );
  });

  it('refuses clearing a revocation', async () => {
    const revoked = withKeys((keys) => (keys[1]!.revokedAt = '2026-09-01T00:00:00.000Z'));
    const signed = await signTrustBundle({ ...structuredClone(bundle), version: 2 }, root);
    expect(() => verifyBundleSuccession(revoked, signed, root.publicKey)).toThrow(
      refusal(
        `encryption key '${newKey.keyId}' of 'land' clears its revocation of 2026-09-01T00:00:00.000Z`,
        'bundle.departments',
      ),
    );
  });
});

describe('development encryption keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-trust-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an owner-only X25519 key per department, lists it, and keeps the bundle when nothing changed', async () => {
    const first = await ensureDevTrust(dir, ['land', 'court']);
    const again = await ensureDevTrust(dir, ['land', 'court']);
    expect(again.signed).toEqual(first.signed);
    expect(first.signed.bundle.version).toBe(1);
    const pair = loadEncryptionKeyPair(join(dir, 'keys', 'land'));
    expect(statSync(join(dir, 'keys', 'land', 'encryption-key.json')).mode & 0o777).toBe(0o600);
    expect(first.signed.bundle.departments[0]!.encryptionKeys).toEqual([
      { keyId: pair.keyId, alg: 'X25519', publicKey: toBase64(pair.publicKey), validFrom: pair.createdAt },
    ]);
    expect(pair.keyId).toBe(encryptionKeyId('land', pair.publicKey));
    expect(encryptionKeyOf(first.signed.bundle, 'court', new Date()).keyId).toBe(
      loadEncryptionKeyPair(join(dir, 'keys', 'court')).keyId,
    );
    const pinned = fromBase64(readFileSync(first.rootPublicKeyFile, 'utf8').trim());
    expect(verifyTrustBundle(first.signed, pinned)).toEqual(first.signed.bundle);
  });
});
