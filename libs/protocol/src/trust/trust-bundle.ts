import { sha256 } from '@noble/hashes/sha2.js';

import { canonicalize } from '../canonical/canonicalize.js';
import { fromBase64, toBase64, utf8 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { SignatureDomain, signingMessage } from '../signing/domains.js';
import { verifyEd25519 } from '../signing/ed25519.js';
import type { Signer } from '../signing/signer.js';
import type { EncryptionKeyEntry } from '../encryption/encryption-key.js';
import { checkEncryptionKeys } from './encryption-keys.js';
import { checkGovernance, type Governance } from './governance.js';
import { checkWitnessing, type WitnessPolicy } from './witness-quorum.js';

export interface TrustedKey {
  keyId: string;
  /** Ed25519 public key, standard base64. */
  publicKey: string;
  validFrom: string;
  validUntil?: string;
  /** From this instant on, the key signs nothing valid (a stolen key cannot sign into the past either: anchors fix time). */
  revokedAt?: string;
  revocationReason?: string;
  /**
   * A revocation for compromise keeps the honest history (issue #24): per
   * chain, the last checkpoint the department vouches for under its new key
   * and the hashes of its legitimate entries after it. Those still verify;
   * every other entry this key signed is refused, whenever it was anchored.
   */
  compromise?: KeyCompromise[];
}

/** What a department vouches for of one chain when its key was stolen (key-time.ts `compromiseRuling`). */
export interface KeyCompromise {
  chain: string;
  /** The vouched checkpoint: its tree size and RFC 6962 root (hex). */
  size: number;
  root: string;
  /** Hashes (hex) of the legitimate entries after `size`, signed with this key. */
  legitimate: string[];
}

export interface TrustedDepartment {
  id: string;
  keys: TrustedKey[];
  /**
   * The department's X25519 keys (issue #28): key releases are sealed to
   * the one valid at the time (encryptionKeyOf). Never dropped, as `keys`.
   */
  encryptionKeys?: EncryptionKeyEntry[];
}

/**
 * A witness outside the departments (another government body, a public
 * C2SP witness): its note key name, its tlog-witness submission prefix (the
 * notary POSTs `<url>/add-checkpoint`) and its cosignature verifier key
 * (`<name>+<key id>+base64(0x04 ‖ Ed25519 key)`). No code of ours runs there.
 */
export interface OutsideWitness {
  name: string;
  url: string;
  key: string;
}

/** Who may sign what: departments, their keys and validity, versioned and signed by a governance root key. */
export interface TrustBundle {
  version: number;
  issuedAt: string;
  departments: TrustedDepartment[];
  /** Per chain, the witnesses eligible for it and the quorum (docs/RECEIPTS.md); a chain not named has the default. */
  witnessing?: WitnessPolicy[];
  /** Witnesses of the checkpoints beyond the departments; eligible for every chain unless its rule names others. */
  outsideWitnesses?: OutsideWitness[];
  /**
   * How long after a key's retirement (`validUntil`) an entry it signed may
   * still be first anchored and count as valid (issue #24: an entry signed
   * just before a rotation is anchored a little after it). Not for revoked
   * keys. Seconds; absent: DEFAULT_ANCHOR_GRACE_SECONDS.
   */
  anchorGraceSeconds?: number;
  /** Who signs the next bundle (k of n); absent: the pinned root key alone. */
  governance?: Governance;
}

/** One governance holder's signature over a bundle. */
export interface BundleSignature {
  keyId: string;
  /** Signature over `registry-bus/trust-bundle/v1\n` ‖ SHA-256(JCS(bundle)), base64. */
  sig: string;
}

/**
 * A bundle with its governance signatures: one root signature (`rootKeyId`,
 * `sig`: the first bundle, verified under the pinned root, and every bundle
 * made before issue #24), or `signatures` of the previous bundle's
 * governance keys, k of them (bundle-succession.ts).
 */
export interface SignedTrustBundle {
  bundle: TrustBundle;
  /** Key id of the governance root key. */
  rootKeyId?: string;
  /** The root's signature over `registry-bus/trust-bundle/v1\n` ‖ SHA-256(JCS(bundle)), base64. */
  sig?: string;
  signatures?: BundleSignature[];
}

function bundleHash(bundle: TrustBundle): Uint8Array {
  try {
    return sha256(utf8(canonicalize(bundle)));
  } catch (error) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_TRUST_BUNDLE,
      error instanceof Error ? error.message : String(error),
      'bundle',
    );
  }
}

/** The message a governance key signs for `bundle`. */
export function trustBundleMessage(bundle: TrustBundle): Uint8Array {
  return signingMessage(SignatureDomain.TRUST_BUNDLE, bundleHash(bundle));
}

export async function signTrustBundle(bundle: TrustBundle, root: Signer): Promise<SignedTrustBundle> {
  const sig = await root.sign(trustBundleMessage(bundle));
  return { bundle, rootKeyId: root.keyId, sig: toBase64(sig) };
}

/**
 * Adds one governance holder's signature to a bundle (offline, each holder
 * in turn: k of them make it valid). Refuses a second signature of one key.
 */
export async function addGovernanceSignature(signed: SignedTrustBundle, holder: Signer): Promise<SignedTrustBundle> {
  const signatures = signed.signatures ?? [];
  if (signatures.some((signature) => signature.keyId === holder.keyId)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_TRUST_BUNDLE,
      `the bundle already carries a signature of '${holder.keyId}'`,
      'signatures',
    );
  }
  const sig = toBase64(await holder.sign(trustBundleMessage(signed.bundle)));
  return { ...signed, signatures: [...signatures, { keyId: holder.keyId, sig }] };
}

/** Every governance signature a bundle carries, the root form and the k-of-n form alike. */
export function bundleSignatures(signed: SignedTrustBundle): BundleSignature[] {
  return [
    ...(signed.sig !== undefined ? [{ keyId: signed.rootKeyId ?? 'root', sig: signed.sig }] : []),
    ...(signed.signatures ?? []),
  ];
}

/** Whether `signature` is a valid signature of `publicKey` over `bundle` (false for one that is not base64). */
export function bundleSignatureHolds(bundle: TrustBundle, signature: BundleSignature, publicKey: Uint8Array): boolean {
  let sig: Uint8Array;
  try {
    sig = fromBase64(signature.sig);
  } catch {
    return false;
  }
  return verifyEd25519(sig, trustBundleMessage(bundle), publicKey);
}

/**
 * Checks that the pinned root signed the bundle, and the bundle's witnessing
 * and governance rules and encryption keys; returns the bundle or throws ProtocolError(BAD_TRUST_BUNDLE).
 * A later bundle signed by k governance keys instead is checked against the
 * one before it (verifyBundleSuccession).
 */
export function verifyTrustBundle(signed: SignedTrustBundle, rootPublicKey: Uint8Array): TrustBundle {
  const signatures = bundleSignatures(signed);
  if (signatures.length === 0) {
    throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, 'the bundle carries no governance signature', 'sig');
  }
  if (signed.sig !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(signed.sig)) {
    throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, 'the bundle signature is not base64', 'sig');
  }
  bundleHash(signed.bundle);
  if (!signatures.some((signature) => bundleSignatureHolds(signed.bundle, signature, rootPublicKey))) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_TRUST_BUNDLE,
      'the governance signature over the trust bundle does not verify',
      'sig',
    );
  }
  checkWitnessing(signed.bundle);
  checkGovernance(signed.bundle);
  checkEncryptionKeys(signed.bundle);
  return signed.bundle;
}

/**
 * The public key `keyId` of `department`, if it was valid at `at`: known,
 * belonging to that department, inside its window and not yet revoked.
 * Throws ProtocolError naming which of these failed.
 */
export function resolveKey(bundle: TrustBundle, keyId: string, department: string, at: Date): Uint8Array {
  const key = findKey(bundle, keyId, department);
  const problem = keyProblemAt(key, at);
  if (problem) throw problem;
  return bundlePublicKey(key);
}

/**
 * The bundle's key `keyId`, which must belong to `department` — whatever
 * its validity: a follower judges that at the time it received the entry,
 * a receipt at the time an anchor fixed (key-time.ts), not at the time the
 * entry claims. Throws UNKNOWN_KEY or KEY_WRONG_DEPARTMENT.
 */
export function findKey(bundle: TrustBundle, keyId: string, department: string): TrustedKey {
  for (const owner of bundle.departments) {
    const key = owner.keys.find((candidate) => candidate.keyId === keyId);
    if (!key) continue;
    if (owner.id !== department) {
      throw new ProtocolError(
        ProtocolErrorCode.KEY_WRONG_DEPARTMENT,
        `key '${keyId}' belongs to '${owner.id}', not '${department}'`,
        'keyid',
      );
    }
    return key;
  }
  throw new ProtocolError(
    ProtocolErrorCode.UNKNOWN_KEY,
    `key '${keyId}' is not in trust bundle version ${bundle.version}`,
    'keyid',
  );
}

/** Why `key` signed nothing valid at `at` (revoked, or outside its window), or undefined when it did. */
export function keyProblemAt(key: TrustedKey, at: Date): ProtocolError | undefined {
  const time = at.getTime();
  if (key.revokedAt !== undefined && time >= Date.parse(key.revokedAt)) {
    return new ProtocolError(
      ProtocolErrorCode.KEY_REVOKED,
      `key '${key.keyId}' was revoked at ${key.revokedAt}${key.revocationReason ? ` (${key.revocationReason})` : ''}`,
      'keyid',
    );
  }
  if (time < Date.parse(key.validFrom) || (key.validUntil !== undefined && time >= Date.parse(key.validUntil))) {
    return new ProtocolError(
      ProtocolErrorCode.KEY_NOT_VALID_AT_TIME,
      `key '${key.keyId}' is valid from ${key.validFrom}${key.validUntil ? ` until ${key.validUntil}` : ''}, not at ${at.toISOString()}`,
      'keyid',
    );
  }
  return undefined;
}

/** The Ed25519 public key of a bundle key. */
export function bundlePublicKey(key: TrustedKey): Uint8Array {
  try {
    return fromBase64(key.publicKey);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, `public key of '${key.keyId}' is not base64`, 'keyid');
  }
}

/** A bundle entry for a signer (development bundles, tests). */
export function trustedKey(
  signer: Pick<Signer, 'keyId' | 'publicKey'>,
  validFrom = '2000-01-01T00:00:00.000Z',
): TrustedKey {
  return { keyId: signer.keyId, publicKey: toBase64(signer.publicKey), validFrom };
}
