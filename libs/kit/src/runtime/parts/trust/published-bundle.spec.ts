import {
  addGovernanceSignature,
  signTrustBundle,
  testSigner,
  testTrustBundle,
  trustBundleDigest,
  type TrustBundle,
} from '@registry-bus/protocol';

import { publishedBundleVerdict } from './published-bundle.js';

const root = testSigner('governance', 'root');
const stranger = testSigner('governance', 'stranger');
const inForce: TrustBundle = { ...testTrustBundle({ land: [testSigner('land')] }), version: 3 };
const nextVersion = (version: number): TrustBundle => ({ ...structuredClone(inForce), version });
const never = () => undefined;

describe('a bundle published on the notary ledger', () => {
  it('applies the next version signed by the governance of the one in force', async () => {
    const next = nextVersion(4);
    const sut = publishedBundleVerdict(inForce, await signTrustBundle(next, root), 'notary@9', root.publicKey, never);
    expect(sut).toEqual({ kind: 'apply', bundle: next, digest: trustBundleDigest(next) });
  });

  it('is current when it is the bundle in force, or an older one applied with the same content (a replay)', async () => {
    const older = nextVersion(2);
    expect(
      publishedBundleVerdict(inForce, await signTrustBundle(inForce, root), 'notary@9', root.publicKey, never),
    ).toEqual({ kind: 'current' });
    expect(
      publishedBundleVerdict(inForce, await signTrustBundle(older, root), 'notary@2', root.publicKey, (version) =>
        version === 2 ? trustBundleDigest(older) : undefined,
      ),
    ).toEqual({ kind: 'current' });
  });

  it('refuses an older version never applied: a rollback', async () => {
    const sut = publishedBundleVerdict(
      inForce,
      await signTrustBundle(nextVersion(2), root),
      'notary@9',
      root.publicKey,
      never,
    );
    expect(sut).toEqual({
      kind: 'refuse',
      reason:
        'trust bundle version 2 published at notary@9 is not newer than version 3 in force: refusing a rollback ' +
        '(a bundle from before a revocation would bring revoked keys back)',
    });
  });

  it('refuses the version in force with other content', async () => {
    const other = { ...nextVersion(3), issuedAt: '2026-05-01T00:00:00.000Z' };
    expect(
      publishedBundleVerdict(inForce, await signTrustBundle(other, root), 'notary@9', root.publicKey, never),
    ).toEqual({
      kind: 'refuse',
      reason:
        'trust bundle version 3 published at notary@9 is not newer than version 3 in force (other content under one version number)',
    });
  });

  it('refuses a newer version not signed by the governance of the one in force, naming the count', async () => {
    const signed = await addGovernanceSignature({ bundle: nextVersion(4) }, stranger);
    expect(publishedBundleVerdict(inForce, signed, 'notary@9', root.publicKey, never)).toEqual({
      kind: 'refuse',
      reason:
        'trust bundle published at notary@9 refused: bundle version 4 is signed by 0 of the governance keys of ' +
        'version 3 (none); it needs 1 of the pinned root',
    });
  });
});
