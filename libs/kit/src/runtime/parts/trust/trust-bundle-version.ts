/** The bundle an app was started with: its version, the SHA-256 of its content, and where it was read. */
export interface OfferedTrustBundle {
  version: number;
  digest: string;
  file: string;
}

/** The highest version this department has applied, as its own database remembers it. */
export interface AppliedTrustBundle {
  version: number;
  digest: string;
  appliedAt: Date;
}

export type TrustBundleVersionVerdict =
  /** A version newer than any applied (or the first): start, and remember it. */
  | { kind: 'apply' }
  /** The version applied last, the same bytes: start, nothing to remember. */
  | { kind: 'current' }
  | { kind: 'refuse'; reason: string };

/**
 * Whether an app may start with `offered`, given the highest version it has
 * applied. Versions only go up: an older bundle may be one from before a
 * revocation (its keys valid again), and one version number must name one
 * bundle, so the same number with other content is refused too.
 */
export function trustBundleVersionVerdict(
  offered: OfferedTrustBundle,
  applied: AppliedTrustBundle | undefined,
): TrustBundleVersionVerdict {
  if (!applied || offered.version > applied.version) return { kind: 'apply' };
  const at = applied.appliedAt.toISOString();
  if (offered.version < applied.version) {
    return {
      kind: 'refuse',
      reason:
        `trust bundle version ${offered.version} in ${offered.file} is older than version ${applied.version} ` +
        `this department applied at ${at}: refusing a rollback (a bundle from before a revocation would bring revoked keys back)`,
    };
  }
  if (offered.digest !== applied.digest) {
    return {
      kind: 'refuse',
      reason:
        `trust bundle version ${offered.version} in ${offered.file} (sha256 ${offered.digest}) is not the version ` +
        `${applied.version} this department applied at ${at} (sha256 ${applied.digest}): refusing a second bundle under ` +
        `one version number (a new bundle takes a higher version)`,
    };
  }
  return { kind: 'current' };
}
