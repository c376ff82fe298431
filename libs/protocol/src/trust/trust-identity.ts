import { sha256 } from '@noble/hashes/sha2.js';

import { canonicalize } from '../canonical/canonicalize.js';
import { toHex, utf8 } from '../encoding/bytes.js';
import type { TrustBundle } from './trust-bundle.js';

/**
 * How a governance root key is named to people: `sha256:` and the first 16
 * hex digits of SHA-256 over the raw public key. Short enough to read aloud
 * and compare with the one the government publishes; the CLI and the portal
 * print the same string for the same key.
 */
export function rootFingerprint(publicKey: Uint8Array): string {
  return `sha256:${toHex(sha256(publicKey)).slice(0, 16)}`;
}

/** SHA-256 (hex) of a bundle's canonical JSON: two bundles with one version and other content differ here. */
export function trustBundleDigest(bundle: TrustBundle): string {
  return toHex(sha256(utf8(canonicalize(bundle))));
}
