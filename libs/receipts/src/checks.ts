import {
  checkDisclosure,
  departmentOfSource,
  verifyCosignature,
  verifyEnvelope,
  verifyEnvelopeSignature,
  type SignatureVerifier,
  type TrustBundle,
  type TrustedKey,
} from '@registry-bus/protocol';

import type { ReceiptEntry } from './receipt.js';

export interface ReceiptCheck {
  /** Stable id of the check, e.g. `entry-signature`. */
  id: string;
  /** What it establishes, in plain words. */
  says: string;
  ok: boolean;
  /** Why it failed. */
  reason?: string;
}

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs `check`; a throw or a returned string is a failure with that reason. */
export function run(checks: ReceiptCheck[], id: string, says: string, check: () => true | string): boolean {
  let reason: string | undefined;
  try {
    const result = check();
    if (result !== true) reason = result;
  } catch (error) {
    reason = message(error);
  }
  checks.push({ id, says, ok: reason === undefined, ...(reason === undefined ? {} : { reason }) });
  return reason === undefined;
}

/** `<prefix>-signature` (hash and signature, key valid at the entry's time) and `<prefix>-data` (disclosed fields against their commitments). */
export function signedAndCommitted(
  checks: ReceiptCheck[],
  prefix: string,
  what: string,
  entry: ReceiptEntry,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): boolean {
  return (
    run(checks, `${prefix}-signature`, `${what} is exactly what its department signed`, () => {
      verifyEnvelope(entry.envelope, bundle, verify);
      return true;
    }) &&
    run(checks, `${prefix}-data`, `the disclosed fields of ${what} are the ones it committed to`, () => {
      checkDisclosure(entry.disclosure, entry.envelope.datadigest);
      return true;
    })
  );
}

/**
 * Checks one witness's cosignature entry of `anchor`: signed by the witness,
 * about this very anchor (chain, seq, hash, tree size, root), and its
 * COSIGNATURE-domain signature over that statement. Returns the witness's
 * department, or undefined when a check failed (recorded in `checks`).
 */
export function checkCosignature(
  checks: ReceiptCheck[],
  prefix: string,
  cosignature: ReceiptEntry,
  anchor: ReceiptEntry,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): string | undefined {
  const witness = departmentOfSource(cosignature.envelope.source) ?? '?';
  const anchorData = anchor.disclosure.fields as Record<string, string>;
  const ok =
    signedAndCommitted(checks, prefix, `${witness}’s cosignature`, cosignature, bundle, verify) &&
    run(checks, `${prefix}-matches`, `${witness} checked this very anchor against its own copy`, () => {
      const data = cosignature.disclosure.fields as Record<string, string>;
      if (cosignature.envelope.type !== `gov.${witness}.witness.cosigned.v1`)
        return `a ${cosignature.envelope.type} is not a cosignature`;
      if (
        data.anchorChain !== anchor.envelope.chain ||
        data.anchorSeq !== anchor.envelope.seq ||
        data.anchorHash !== anchor.envelope.hash ||
        data.chain !== anchorData.chain ||
        data.treeSize !== anchorData.treeSize ||
        data.root !== anchorData.root
      ) {
        return 'it cosigns another anchor';
      }
      return verifyCosignature(
        {
          anchorChain: data.anchorChain,
          anchorSeq: data.anchorSeq,
          anchorHash: data.anchorHash,
          chain: data.chain,
          treeSize: data.treeSize,
          root: data.root,
        },
        String(data.signature),
        witness,
        cosignature.envelope.keyid,
        bundle,
        verify,
        new Date(cosignature.envelope.time),
      )
        ? true
        : 'the cosignature does not verify';
    });
  return ok ? witness : undefined;
}

/**
 * `<prefix>-signature` and `<prefix>-data` of a record whose key is judged
 * later, at the time an anchor fixed (key-at-anchor.ts), not at the time it
 * claims: the hash, a key of its department, the signature. Returns that
 * key, or undefined when a check failed.
 */
export function recordSignedAndCommitted(
  checks: ReceiptCheck[],
  prefix: string,
  what: string,
  entry: ReceiptEntry,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): TrustedKey | undefined {
  let key: TrustedKey | undefined;
  const ok =
    run(checks, `${prefix}-signature`, `${what} is exactly what its department signed`, () => {
      key = verifyEnvelopeSignature(entry.envelope, bundle, verify).key;
      return true;
    }) &&
    run(checks, `${prefix}-data`, `the disclosed fields of ${what} are the ones it committed to`, () => {
      checkDisclosure(entry.disclosure, entry.envelope.datadigest);
      return true;
    });
  return ok ? key : undefined;
}

/**
 * The witness whose cosignature `cosignature` of `anchor` holds (the same
 * checks as a receipt's), or undefined: lets a builder take cosignatures from
 * a source it does not trust (the notary) and keep only those that verify.
 */
export function cosignatureHolds(
  cosignature: ReceiptEntry,
  anchor: ReceiptEntry,
  bundle: TrustBundle,
  verify: SignatureVerifier,
): string | undefined {
  try {
    return checkCosignature([], 'cosignature', cosignature, anchor, bundle, verify);
  } catch {
    return undefined;
  }
}
