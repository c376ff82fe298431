import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { checkEncryptionKeys, checkEncryptionKeysKept } from './encryption-keys.js';
import { checkGovernance, type Governance } from './governance.js';
import {
  bundleSignatureHolds,
  bundleSignatures,
  type SignedTrustBundle,
  type TrustBundle,
  type TrustedKey,
} from './trust-bundle.js';
import { checkWitnessing } from './witness-quorum.js';

/**
 * Who signs the bundle after `bundle`: the governance it names, else (a
 * bundle of one root, as every bundle before issue #24) the pinned root key,
 * one of one.
 */
export function governanceOf(bundle: TrustBundle, pinnedRoot: Uint8Array): Governance {
  return bundle.governance ?? { keys: [{ keyId: PINNED_ROOT, publicKey: toBase64(pinnedRoot) }], threshold: 1 };
}

/** How the pinned root is named among the signers when the previous bundle names no governance. */
const PINNED_ROOT = 'the pinned root';

function refuse(reason: string, field: string): never {
  throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, reason, field);
}

/**
 * The governance keys of `governance` that signed `signed.bundle`, each once.
 * A signature under a governance key id that does not verify is refused
 * (somebody changed the bundle after it was signed); one of a key the
 * governance does not name counts for nothing. The pinned root (a previous
 * bundle without governance) is known by its key alone, whatever id a
 * signature gives it.
 */
export function governanceSigners(signed: SignedTrustBundle, governance: Governance): string[] {
  const signers = new Set<string>();
  const root =
    governance.keys.length === 1 && governance.keys[0]!.keyId === PINNED_ROOT ? governance.keys[0] : undefined;
  for (const signature of bundleSignatures(signed)) {
    if (root) {
      if (bundleSignatureHolds(signed.bundle, signature, fromBase64(root.publicKey))) signers.add(root.keyId);
      continue;
    }
    const key = governance.keys.find((candidate) => candidate.keyId === signature.keyId);
    if (!key) continue;
    if (!bundleSignatureHolds(signed.bundle, signature, fromBase64(key.publicKey))) {
      refuse(`the signature of governance key '${signature.keyId}' does not verify over this bundle`, 'signatures');
    }
    signers.add(key.keyId);
  }
  return [...signers];
}

/**
 * Whether `next` may follow `previous` (issue #24), or a ProtocolError
 * (BAD_TRUST_BUNDLE) naming why not. Pure. `next` must
 *
 * - carry a higher version (a lower one may be a bundle from before a
 *   revocation: its keys valid again);
 * - be signed by k of the governance keys `previous` names (k its
 *   threshold; without governance: the pinned root) — never by one online
 *   key, and whoever holds fewer than k cannot move the trust;
 * - keep every key of `previous` with its department, public key and
 *   window: an old entry must stay verifiable, so no key is dropped, no
 *   retirement (`validUntil`) moved, no revocation cleared or moved later,
 *   no compromise record changed. It may add departments and keys, and
 *   retire, revoke or mark compromised a key that was not. The same holds
 *   for encryption keys (issue #28): none dropped, none with another public
 *   key, no retirement or revocation undone;
 * - name usable witnessing rules, governance and encryption keys of its own.
 */
export function verifyBundleSuccession(
  previous: TrustBundle,
  next: SignedTrustBundle,
  pinnedRoot: Uint8Array,
): TrustBundle {
  const bundle = next.bundle;
  if (!Number.isInteger(bundle.version) || bundle.version <= previous.version) {
    refuse(
      `bundle version ${String(bundle.version)} does not follow version ${previous.version}: a new bundle takes a higher version`,
      'bundle.version',
    );
  }
  const governance = governanceOf(previous, pinnedRoot);
  const signers = governanceSigners(next, governance);
  if (signers.length < governance.threshold) {
    const named = governance.keys.map((key) => key.keyId).join(', ');
    refuse(
      `bundle version ${bundle.version} is signed by ${signers.length} of the governance keys of version ` +
        `${previous.version} (${signers.length > 0 ? signers.join(', ') : 'none'}); it needs ${governance.threshold} of ${named}`,
      'signatures',
    );
  }
  for (const department of previous.departments) {
    const after = bundle.departments.find((candidate) => candidate.id === department.id);
    for (const key of department.keys) {
      const kept = after?.keys.find((candidate) => candidate.keyId === key.keyId);
      if (!kept) {
        refuse(
          `bundle version ${bundle.version} drops key '${key.keyId}' of '${department.id}': no key ever leaves the bundle, ` +
            'the entries it signed must stay verifiable (retire or revoke it instead)',
          'bundle.departments',
        );
      }
      keyKept(key, kept, department.id);
    }
  }
  checkEncryptionKeysKept(previous, bundle);
  checkWitnessing(bundle);
  checkGovernance(bundle);
  checkEncryptionKeys(bundle);
  return bundle;
}

/** `after` is `before` with at most a retirement, revocation or compromise record added. */
function keyKept(before: TrustedKey, after: TrustedKey, department: string): void {
  const where = `key '${before.keyId}' of '${department}'`;
  if (after.publicKey !== before.publicKey) refuse(`${where} has another public key`, 'bundle.departments');
  if (after.validFrom !== before.validFrom) {
    refuse(`${where} moves its validFrom from ${before.validFrom} to ${after.validFrom}`, 'bundle.departments');
  }
  if (before.validUntil !== undefined && after.validUntil !== before.validUntil) {
    refuse(
      `${where} was retired at ${before.validUntil}; a retirement stands (not ${after.validUntil ?? 'cleared'})`,
      'bundle.departments',
    );
  }
  if (before.revokedAt !== undefined) {
    if (after.revokedAt === undefined)
      refuse(`${where} clears its revocation of ${before.revokedAt}`, 'bundle.departments');
    if (Date.parse(after.revokedAt) > Date.parse(before.revokedAt)) {
      refuse(
        `${where} moves its revocation later, from ${before.revokedAt} to ${after.revokedAt}: what it signed in between would be valid again`,
        'bundle.departments',
      );
    }
  }
  if (before.compromise !== undefined && JSON.stringify(after.compromise) !== JSON.stringify(before.compromise)) {
    refuse(`${where} changes its compromise record: what the department vouched for stands`, 'bundle.departments');
  }
}
