import { fromBase64 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/** A key of those who sign the next bundle: never an online key, each held by one governance holder. */
export interface GovernanceKey {
  keyId: string;
  /** Ed25519 public key, standard base64. */
  publicKey: string;
}

/**
 * Who signs the bundle after this one: `threshold` of `keys` (k of n). A
 * bundle without it was signed by the pinned root key, and so must the next
 * one be (one of one).
 */
export interface Governance {
  keys: GovernanceKey[];
  threshold: number;
}

const KEY_ID = /^[a-z0-9][a-z0-9._:-]{0,99}$/;

function refuse(reason: string, field: string): never {
  throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, reason, field);
}

/**
 * The governance a bundle names is usable: at least one key, no key id
 * twice, each key 32 bytes of base64, and a threshold k with 1 ≤ k ≤ n.
 * (Structural, so trust-bundle.ts and this module need not import each other.)
 */
export function checkGovernance(bundle: { governance?: Governance }): void {
  const governance = bundle.governance;
  if (governance === undefined) return;
  if (!Array.isArray(governance.keys) || governance.keys.length === 0) {
    refuse('the governance names no key', 'governance.keys');
  }
  const seen = new Set<string>();
  governance.keys.forEach((key, index) => {
    if (typeof key.keyId !== 'string' || !KEY_ID.test(key.keyId)) {
      refuse(
        `governance key ${index} has no valid key id (lower-case letters, digits, . _ : -)`,
        `governance.keys[${index}].keyId`,
      );
    }
    if (seen.has(key.keyId)) refuse(`governance key '${key.keyId}' is named twice`, `governance.keys[${index}].keyId`);
    seen.add(key.keyId);
    let publicKey: Uint8Array | undefined;
    try {
      publicKey = typeof key.publicKey === 'string' ? fromBase64(key.publicKey) : undefined;
    } catch {
      publicKey = undefined;
    }
    if (publicKey?.length !== 32) {
      refuse(
        `governance key '${key.keyId}' is not a base64 Ed25519 public key (32 bytes)`,
        `governance.keys[${index}].publicKey`,
      );
    }
  });
  const { threshold } = governance;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > governance.keys.length) {
    refuse(
      `the governance threshold must be a whole number from 1 to ${governance.keys.length} (its keys), not ${String(threshold)}`,
      'governance.threshold',
    );
  }
}
