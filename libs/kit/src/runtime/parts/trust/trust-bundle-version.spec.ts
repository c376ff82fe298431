import { trustBundleVersionVerdict } from './trust-bundle-version.js';

const applied = { version: 3, digest: 'a'.repeat(64), appliedAt: new Date('2026-11-30T08:15:00.000Z') };
const offered = (version: number, digest = 'a'.repeat(64)) => ({ version, digest, file: '/etc/rb/trust-bundle.json' });

describe('trust bundle versions at start-up', () => {
  it('applies the first bundle a department sees', () => {
    expect(trustBundleVersionVerdict(offered(1), undefined)).toEqual({ kind: 'apply' });
  });

  it('applies a newer version', () => {
    expect(trustBundleVersionVerdict(offered(4, 'b'.repeat(64)), applied)).toEqual({ kind: 'apply' });
  });

  it('starts with the version applied last, the same content, with nothing new to remember', () => {
    expect(trustBundleVersionVerdict(offered(3), applied)).toEqual({ kind: 'current' });
  });

  it('refuses an older version, naming both: a rollback', () => {
    expect(trustBundleVersionVerdict(offered(2, 'c'.repeat(64)), applied)).toEqual({
      kind: 'refuse',
      reason:
        'trust bundle version 2 in /etc/rb/trust-bundle.json is older than version 3 this department applied at ' +
        '2026-11-30T08:15:00.000Z: refusing a rollback (a bundle from before a revocation would bring revoked keys back)',
    });
  });

  it('refuses the same version with other content, naming both digests', () => {
    expect(trustBundleVersionVerdict(offered(3, 'd'.repeat(64)), applied)).toEqual({
      kind: 'refuse',
      reason:
        `trust bundle version 3 in /etc/rb/trust-bundle.json (sha256 ${'d'.repeat(64)}) is not the version 3 this ` +
        `department applied at 2026-11-30T08:15:00.000Z (sha256 ${'a'.repeat(64)}): refusing a second bundle under ` +
        'one version number (a new bundle takes a higher version)',
    });
  });
});
