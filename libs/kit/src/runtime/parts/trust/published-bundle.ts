import {
  ProtocolError,
  trustBundleDigest,
  verifyBundleSuccession,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';

export type PublishedBundleVerdict =
  /** It follows the bundle in force: in force from its position on. */
  | { kind: 'apply'; bundle: TrustBundle; digest: string }
  /** The bundle in force, or one applied before with the same content (a replay of the notary's ledger): nothing to do. */
  | { kind: 'current' }
  | { kind: 'refuse'; reason: string };

/**
 * What a department does with a bundle published on the notary's ledger at
 * `position`, given the bundle in force and the digest it applied for an
 * older version (if any). Versions only go up, and a new one must follow
 * the one in force (k of its governance keys, no key dropped); anything
 * else is refused, and the bundle in force stays. Pure.
 */
export function publishedBundleVerdict(
  inForce: TrustBundle,
  signed: SignedTrustBundle,
  position: string,
  pinnedRoot: Uint8Array,
  appliedDigestOf: (version: number) => string | undefined,
): PublishedBundleVerdict {
  const { version } = signed.bundle;
  let digest: string;
  try {
    digest = trustBundleDigest(signed.bundle);
  } catch (error) {
    return { kind: 'refuse', reason: `the trust bundle published at ${position} cannot be read: ${String(error)}` };
  }
  if (typeof version === 'number' && version <= inForce.version) {
    if (appliedDigestOf(version) === digest || (version === inForce.version && digest === trustBundleDigest(inForce))) {
      return { kind: 'current' };
    }
    return {
      kind: 'refuse',
      reason:
        `trust bundle version ${version} published at ${position} is not newer than version ${inForce.version} in force` +
        `${version === inForce.version ? ' (other content under one version number)' : ': refusing a rollback (a bundle from before a revocation would bring revoked keys back)'}`,
    };
  }
  try {
    return { kind: 'apply', bundle: verifyBundleSuccession(inForce, signed, pinnedRoot), digest };
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { kind: 'refuse', reason: `trust bundle published at ${position} refused: ${error.reason}` };
  }
}
