import { ProblemError, recordAggregate, type CommandRequest, type DepartmentContext } from '@registry-bus/kit';
import { trustBundleDigest, type SignedTrustBundle } from '@registry-bus/protocol';

export const TRUST_BUNDLES = Symbol('TRUST_BUNDLES');

const TYPE = 'gov.notary.trust.bundle-published.v1';
const trustBundleAggregate = recordAggregate('trust-bundle');

/**
 * Publishes a trust bundle as an entry of the notary's ledger, after the
 * same verdict every follower will reach (k of the governance keys of the
 * bundle in force, no key dropped, a higher version): a bundle they would
 * refuse is never written. Then takes it into force here — the notary does
 * not follow its own ledger.
 */
export class TrustBundlePublisher {
  constructor(private readonly runtime: Pick<DepartmentContext, 'trustPart' | 'commands' | 'dataSource' | 'ledger'>) {}

  current(): SignedTrustBundle {
    return this.runtime.trustPart.signed;
  }

  async publish(signed: SignedTrustBundle, request: CommandRequest) {
    const trust = this.runtime.trustPart;
    const version = signed.bundle.version;
    const verdict = await trust.verdictOn(signed, 'the notary');
    if (verdict.kind === 'current') {
      throw new ProblemError(
        409,
        'TRUST.BUNDLE_IN_FORCE',
        'The trust bundle is already in force',
        `trust bundle version ${version} is the one in force (or was applied before)`,
        [{ field: 'bundle.version', reason: 'already in force' }],
      );
    }
    if (verdict.kind === 'refuse') {
      throw new ProblemError(
        422,
        'PROTOCOL.BAD_TRUST_BUNDLE',
        'The trust bundle does not follow the one in force',
        verdict.reason,
        [{ field: verdict.reason.includes('signed by') ? 'signatures' : 'bundle', reason: verdict.reason }],
      );
    }
    const outcome = await this.runtime.commands.run(
      trustBundleAggregate,
      `trust-bundle:${version}`,
      { type: TYPE, data: { version: String(version), digest: trustBundleDigest(signed.bundle), signed } },
      request,
    );
    const entry = outcome.entries[0]!;
    const position = `${entry.chain}@${entry.seq}`;
    await this.runtime.dataSource.transaction((manager) => trust.applyPublished(signed, position, manager));
    return { outcome, position, version };
  }
}
