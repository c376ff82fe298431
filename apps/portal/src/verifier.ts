import {
  fromBase64,
  rootFingerprint,
  verifyEd25519,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';
import { verifyReceipt, type Receipt, type ReceiptVerdict } from '@registry-bus/receipts';

import { problemOf } from './dom.js';
import { readJsonAnswer } from './read-json.js';

/** The governance root this page trusts: built in at build time, never fetched. */
export interface PageRoot {
  publicKey: Uint8Array;
  /** `sha256:` and 16 hex digits, as the CLI prints it. */
  fingerprint: string;
}

export interface Trust {
  bundle: TrustBundle;
  root: PageRoot;
}

/** The root built into this page (vite `define`, from PORTAL_TRUST_ROOT_FILE), or none. */
export const PAGE_ROOT: PageRoot | undefined = (() => {
  if (!__PORTAL_TRUST_ROOT__) return undefined;
  const publicKey = fromBase64(__PORTAL_TRUST_ROOT__);
  return { publicKey, fingerprint: rootFingerprint(publicKey) };
})();

let trust: Promise<Trust> | undefined;

/**
 * The trust bundle this portal's departments run with, checked here under
 * the root built into the page before any receipt is believed. The server
 * also names a root key: it is shown when it differs, never used. Fetched
 * once per page load.
 */
export function loadTrust(): Promise<Trust> {
  trust ??= (async () => {
    const root = PAGE_ROOT;
    if (!root) {
      throw new Error(
        'This page cannot check receipts: it was built without a governance root key, and it never takes one from the site it checks. Rebuild it with PORTAL_TRUST_ROOT_FILE set to the root key your government publishes.',
      );
    }
    const response = await fetch('/v1/portal/trust', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`the trust bundle could not be loaded: ${await problemOf(response)}`);
    const body = (await readJsonAnswer(response, 'the trust bundle')) as {
      bundle: SignedTrustBundle;
      rootPublicKey?: string;
    };
    let bundle: TrustBundle;
    try {
      bundle = verifyTrustBundle(body.bundle, root.publicKey);
    } catch {
      const served = servedFingerprint(body.rootPublicKey);
      throw new Error(
        served !== undefined && served !== root.fingerprint
          ? `Refused: this site's trust bundle is signed under another governance root (${served}) than the one this page trusts (${root.fingerprint}). No receipt is checked against it.`
          : `Refused: this site's trust bundle does not verify under the governance root this page trusts (${root.fingerprint}). No receipt is checked against it.`,
      );
    }
    return { bundle, root };
  })();
  trust.catch(() => (trust = undefined));
  return trust;
}

/** The fingerprint of the root key the server names (for the message only). */
function servedFingerprint(key: string | undefined): string | undefined {
  try {
    return key ? rootFingerprint(fromBase64(key)) : undefined;
  } catch {
    return undefined;
  }
}

/** The same verification as `npx registry-bus verify`, with the pure Ed25519 of @noble/curves. */
export async function checkReceipt(receipt: unknown): Promise<ReceiptVerdict> {
  const { bundle } = await loadTrust();
  return verifyReceipt(receipt as Receipt, bundle, verifyEd25519);
}
