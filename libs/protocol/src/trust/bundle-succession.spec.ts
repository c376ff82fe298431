import { toBase64 } from '../encoding/bytes.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import type { Signer } from '../signing/signer.js';
import { verifyBundleSuccession } from './bundle-succession.js';
import { checkGovernance } from './governance.js';
import {
  addGovernanceSignature,
  signTrustBundle,
  trustedKey,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from './trust-bundle.js';

const root = testSigner('governance', 'root');
const alice = testSigner('governance', 'alice');
const bob = testSigner('governance', 'bob');
const carol = testSigner('governance', 'carol');
const land = testSigner('land');
const landNext = testSigner('land', 'key-2');
const court = testSigner('court');

const governance = {
  keys: [alice, bob, carol].map((holder) => ({ keyId: holder.keyId, publicKey: toBase64(holder.publicKey) })),
  threshold: 2,
};
/** Version 1: land and court, signed by the pinned root, naming alice, bob and carol (2 of 3) for what follows. */
const first: TrustBundle = { ...testTrustBundle({ land: [land], court: [court] }), governance };

const next = (change: (bundle: TrustBundle) => void = () => {}): TrustBundle => {
  const bundle = structuredClone(first);
  bundle.version = 2;
  bundle.issuedAt = '2026-02-01T00:00:00.000Z';
  change(bundle);
  return bundle;
};
const signedBy = async (bundle: TrustBundle, holders: Signer[]): Promise<SignedTrustBundle> => {
  let signed: SignedTrustBundle = { bundle };
  for (const holder of holders) signed = await addGovernanceSignature(signed, holder);
  return signed;
};
const landKey = (bundle: TrustBundle) => bundle.departments.find((d) => d.id === 'land')!.keys[0]!;
const refusal = (reason: string) =>
  expect.objectContaining({ code: ProtocolErrorCode.BAD_TRUST_BUNDLE, reason, attribute: expect.any(String) });

describe('trust bundle succession', () => {
  it('the first bundle, one root signature, still verifies under the pinned root (existing stacks, portal, CLI)', async () => {
    const signed = await signTrustBundle(first, root);
    expect(verifyTrustBundle(signed, root.publicKey)).toEqual(first);
    expect(verifyTrustBundle(await signTrustBundle(testTrustBundle({ land: [land] }), root), root.publicKey)).toEqual(
      testTrustBundle({ land: [land] }),
    );
  });

  it('accepts a bundle signed by k of the n governance keys of the previous one, adding a key', async () => {
    const bundle = next((b) => b.departments[0]!.keys.push(trustedKey(landNext, '2026-02-01T00:00:00.000Z')));
    expect(verifyBundleSuccession(first, await signedBy(bundle, [carol, alice]), root.publicKey)).toEqual(bundle);
    expect(verifyBundleSuccession(first, await signedBy(bundle, [alice, bob, carol]), root.publicKey)).toEqual(bundle);
  });

  it('refuses fewer than k signatures, naming who signed and how many are needed', async () => {
    expect(() => verifyBundleSuccession(first, { bundle: next() }, root.publicKey)).toThrow(
      refusal(
        'bundle version 2 is signed by 0 of the governance keys of version 1 (none); it needs 2 of ' +
          'governance-alice, governance-bob, governance-carol',
      ),
    );
    const byBob = await signedBy(next(), [bob]);
    expect(() => verifyBundleSuccession(first, byBob, root.publicKey)).toThrow(
      refusal(
        'bundle version 2 is signed by 1 of the governance keys of version 1 (governance-bob); it needs 2 of ' +
          'governance-alice, governance-bob, governance-carol',
      ),
    );
  });

  it('counts one key once, and the pinned root for nothing once the bundle names its governance', async () => {
    const once = await signedBy(next(), [bob]);
    const twice: SignedTrustBundle = { ...once, signatures: [...once.signatures!, ...once.signatures!] };
    expect(() => verifyBundleSuccession(first, twice, root.publicKey)).toThrow(/signed by 1 of .*\(governance-bob\)/);
    const rootAndBob = { ...(await signTrustBundle(next(), root)), signatures: once.signatures };
    expect(() => verifyBundleSuccession(first, rootAndBob, root.publicKey)).toThrow(/signed by 1 of/);
  });

  it('refuses a governance signature that does not verify over the bundle (changed after signing)', async () => {
    const signed = await signedBy(next(), [alice, bob]);
    signed.bundle = next((b) => (landKey(b).publicKey = toBase64(landNext.publicKey)));
    expect(() => verifyBundleSuccession(first, signed, root.publicKey)).toThrow(
      refusal("the signature of governance key 'governance-alice' does not verify over this bundle"),
    );
  });

  it('after a bundle without governance, the pinned root signs the next one (one of one)', async () => {
    const plain = testTrustBundle({ land: [land] });
    const following = { ...plain, version: 2 };
    expect(verifyBundleSuccession(plain, await signTrustBundle(following, root), root.publicKey)).toEqual(following);
    // The root may sign in the k-of-n form too (npm run keys -- sign-bundle with the governance key).
    expect(verifyBundleSuccession(plain, await signedBy(following, [root]), root.publicKey)).toEqual(following);
    expect(() => verifyBundleSuccession(plain, { bundle: following }, root.publicKey)).toThrow(
      /signed by 0 of the governance keys of version 1 \(none\); it needs 1 of the pinned root/,
    );
    const byAlice = await signTrustBundle(following, alice);
    expect(() => verifyBundleSuccession(plain, byAlice, root.publicKey)).toThrow(/signed by 0 of/);
  });

  it('refuses a lower or equal version', async () => {
    const same = await signedBy(
      next((b) => (b.version = 1)),
      [alice, bob],
    );
    expect(() => verifyBundleSuccession(first, same, root.publicKey)).toThrow(
      refusal('bundle version 1 does not follow version 1: a new bundle takes a higher version'),
    );
  });

  it('refuses a bundle that drops a key, even a retired one', async () => {
    const retired = next((b) => (landKey(b).validUntil = '2026-01-15T00:00:00.000Z'));
    const dropped = await signedBy(
      { ...next(), version: 3, departments: retired.departments.filter((d) => d.id !== 'land') },
      [alice, bob],
    );
    expect(() => verifyBundleSuccession(retired, dropped, root.publicKey)).toThrow(
      refusal(
        "bundle version 3 drops key 'land-key-1' of 'land': no key ever leaves the bundle, the entries it signed " +
          'must stay verifiable (retire or revoke it instead)',
      ),
    );
  });

  it('accepts a retirement and a revocation set, refuses one cleared, moved later, or a key changed', async () => {
    const revoked = next((b) => {
      landKey(b).revokedAt = '2026-01-20T00:00:00.000Z';
      landKey(b).revocationReason = 'stolen';
    });
    expect(verifyBundleSuccession(first, await signedBy(revoked, [alice, bob]), root.publicKey)).toEqual(revoked);
    const after = (change: (bundle: TrustBundle) => void) => {
      const bundle = structuredClone(revoked);
      bundle.version = 3;
      change(bundle);
      return signedBy(bundle, [alice, carol]);
    };
    const moved = await after((b) => (landKey(b).revokedAt = '2026-01-21T00:00:00.000Z'));
    expect(() => verifyBundleSuccession(revoked, moved, root.publicKey)).toThrow(
      refusal(
        "key 'land-key-1' of 'land' moves its revocation later, from 2026-01-20T00:00:00.000Z to " +
          '2026-01-21T00:00:00.000Z: what it signed in between would be valid again',
      ),
    );
    const cleared = await after((b) => delete landKey(b).revokedAt);
    expect(() => verifyBundleSuccession(revoked, cleared, root.publicKey)).toThrow(
      refusal("key 'land-key-1' of 'land' clears its revocation of 2026-01-20T00:00:00.000Z"),
    );
    const earlier = await after((b) => (landKey(b).revokedAt = '2026-01-19T00:00:00.000Z'));
    expect(verifyBundleSuccession(revoked, earlier, root.publicKey).version).toBe(3);
    const rekeyed = await after((b) => (landKey(b).publicKey = toBase64(landNext.publicKey)));
    expect(() => verifyBundleSuccession(revoked, rekeyed, root.publicKey)).toThrow(
      refusal("key 'land-key-1' of 'land' has another public key"),
    );
    const retired = next((b) => (landKey(b).validUntil = '2026-01-15T00:00:00.000Z'));
    const extended = structuredClone(retired);
    extended.version = 3;
    landKey(extended).validUntil = '2026-03-01T00:00:00.000Z';
    const extendedSigned = await signedBy(extended, [bob, carol]);
    expect(() => verifyBundleSuccession(retired, extendedSigned, root.publicKey)).toThrow(
      refusal(
        "key 'land-key-1' of 'land' was retired at 2026-01-15T00:00:00.000Z; a retirement stands (not 2026-03-01T00:00:00.000Z)",
      ),
    );
  });

  it('refuses a compromise record changed once published', async () => {
    const compromised = next((b) => {
      landKey(b).revokedAt = '2026-01-20T00:00:00.000Z';
      landKey(b).compromise = [{ chain: 'land', size: 7, root: 'ab'.repeat(32), legitimate: ['cd'.repeat(32)] }];
    });
    const widened = structuredClone(compromised);
    widened.version = 3;
    landKey(widened).compromise![0]!.legitimate.push('ef'.repeat(32));
    const widenedSigned = await signedBy(widened, [alice, bob]);
    expect(() => verifyBundleSuccession(compromised, widenedSigned, root.publicKey)).toThrow(
      refusal("key 'land-key-1' of 'land' changes its compromise record: what the department vouched for stands"),
    );
  });
});

describe('governance rules of a bundle', () => {
  const keys = governance.keys;
  it.each([
    [{ keys, threshold: 0 }, 'the governance threshold must be a whole number from 1 to 3 (its keys), not 0'],
    [{ keys, threshold: 4 }, 'the governance threshold must be a whole number from 1 to 3 (its keys), not 4'],
    [{ keys, threshold: 1.5 }, 'the governance threshold must be a whole number from 1 to 3 (its keys), not 1.5'],
    [{ keys: [], threshold: 1 }, 'the governance names no key'],
    [{ keys: [keys[0]!, keys[0]!], threshold: 1 }, "governance key 'governance-alice' is named twice"],
    [
      { keys: [{ keyId: 'x', publicKey: 'AAAA' }], threshold: 1 },
      "governance key 'x' is not a base64 Ed25519 public key (32 bytes)",
    ],
  ])('refuses %#: %j', (bad, reason) => {
    expect(() => checkGovernance({ governance: bad })).toThrow(refusal(reason));
  });

  it('a bundle naming bad governance does not verify even under the root', async () => {
    const signed = await signTrustBundle({ ...first, governance: { keys, threshold: 4 } }, root);
    expect(() => verifyTrustBundle(signed, root.publicKey)).toThrow(/threshold must be a whole number/);
  });
});
