import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalBytes } from '../canonical/canonicalize.js';
import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { SignatureDomain, signingMessage } from '../signing/domains.js';
import type { InProcessSigner, Signer } from '../signing/signer.js';
import { resolveKey, type TrustBundle } from '../trust/trust-bundle.js';

/** What a witness signs: this anchor (by its entry) says this chain had this root at this size. */
export interface CosignedStatement {
  anchorChain: string;
  anchorSeq: string;
  anchorHash: string;
  chain: string;
  treeSize: string;
  root: string;
}

const digest = (statement: CosignedStatement) =>
  sha256(
    canonicalBytes({
      anchorChain: statement.anchorChain,
      anchorSeq: statement.anchorSeq,
      anchorHash: statement.anchorHash,
      chain: statement.chain,
      treeSize: statement.treeSize,
      root: statement.root,
    }),
  );

/** Ed25519 over `registry-bus/cosignature/v1\n` ‖ SHA-256(JCS(statement)), through the signing port. */
export async function cosign(statement: CosignedStatement, signer: Signer): Promise<string> {
  return toBase64(await signer.sign(signingMessage(SignatureDomain.COSIGNATURE, digest(statement))));
}

/** The same cosignature made without awaiting, with a key held in this process (test fixtures, benches). */
export function cosignSync(statement: CosignedStatement, signer: InProcessSigner): string {
  return toBase64(signer.signSync(signingMessage(SignatureDomain.COSIGNATURE, digest(statement))));
}

/** Checks a cosignature of `department` made with `keyId` (valid at `at`). */
export function verifyCosignature(
  statement: CosignedStatement,
  signature: string,
  department: string,
  keyId: string,
  bundle: TrustBundle,
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean,
  at: Date,
): boolean {
  const key = resolveKey(bundle, keyId, department, at);
  return verify(fromBase64(signature), signingMessage(SignatureDomain.COSIGNATURE, digest(statement)), key);
}
