import {
  fromBase64,
  verifyEd25519,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';
import { verifyReceipt, type Receipt, type ReceiptVerdict } from '@registry-bus/receipts';

import { problemOf } from './dom.js';
import { readJsonAnswer } from './read-json.js';

export interface Trust {
  bundle: TrustBundle;
  /** The governance root key (base64) the bundle is signed with: the one to compare with the published one. */
  rootPublicKey: string;
}

let trust: Promise<Trust> | undefined;

/**
 * The trust bundle this portal's departments run with, checked here against
 * its root key before any receipt is believed. Fetched once per page load.
 */
export function loadTrust(): Promise<Trust> {
  trust ??= (async () => {
    const response = await fetch('/v1/portal/trust', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`the trust bundle could not be loaded: ${await problemOf(response)}`);
    const body = (await readJsonAnswer(response, 'the trust bundle')) as {
      bundle: SignedTrustBundle;
      rootPublicKey: string;
    };
    return {
      bundle: verifyTrustBundle(body.bundle, fromBase64(body.rootPublicKey)),
      rootPublicKey: body.rootPublicKey,
    };
  })();
  trust.catch(() => (trust = undefined));
  return trust;
}

/** The same verification as `npx registry-bus verify`, with the pure Ed25519 of @noble/curves. */
export async function checkReceipt(receipt: unknown): Promise<ReceiptVerdict> {
  const { bundle } = await loadTrust();
  return verifyReceipt(receipt as Receipt, bundle, verifyEd25519);
}
