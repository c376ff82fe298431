import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { resolveKey, signTrustBundle, verifyTrustBundle } from './trust-bundle.js';

const root = testSigner('governance', 'root');
const land = testSigner('land');
const bundle = testTrustBundle({ land: [land] });

describe('trust bundle', () => {
  it('verifies under the governance root key and refuses a changed bundle', async () => {
    const signed = await signTrustBundle(bundle, root);
    expect(verifyTrustBundle(signed, root.publicKey)).toEqual(bundle);
    const changed = structuredClone(signed);
    changed.bundle.departments[0]!.keys[0]!.validFrom = '1990-01-01T00:00:00.000Z';
    expect(() => verifyTrustBundle(changed, root.publicKey)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.BAD_TRUST_BUNDLE }),
    );
    expect(() => verifyTrustBundle(signed, land.publicKey)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.BAD_TRUST_BUNDLE }),
    );
  });

  it('a key revoked at T is valid before T and refused from T on', () => {
    const revoked = structuredClone(bundle);
    revoked.departments[0]!.keys[0]!.revokedAt = '2026-06-01T00:00:00.000Z';
    revoked.departments[0]!.keys[0]!.revocationReason = 'laptop stolen';
    expect(resolveKey(revoked, land.keyId, 'land', new Date('2026-05-31T23:59:59.999Z'))).toEqual(land.publicKey);
    expect(() => resolveKey(revoked, land.keyId, 'land', new Date('2026-06-01T00:00:00.000Z'))).toThrow(
      /laptop stolen/,
    );
  });

  it('refuses a key used before its window, an unknown key and a key of another department', () => {
    expect(() => resolveKey(bundle, land.keyId, 'land', new Date('1999-01-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.KEY_NOT_VALID_AT_TIME }),
    );
    expect(() => resolveKey(bundle, 'nobody', 'land', new Date())).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.UNKNOWN_KEY }),
    );
    expect(() => resolveKey(bundle, land.keyId, 'court', new Date())).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.KEY_WRONG_DEPARTMENT }),
    );
  });
});
