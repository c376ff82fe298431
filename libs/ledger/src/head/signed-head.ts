import { sha256 } from '@noble/hashes/sha2.js';
import { rootAt } from '@registry-bus/merkle';
import {
  SignatureDomain,
  canonicalize,
  fromBase64,
  resolveKey,
  signingMessage,
  toBase64,
  toHex,
  utf8,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { LedgerError, LedgerErrorCode } from '../errors/ledger-error.js';
import { PgNodeReader } from '../merkle/pg-node-store.js';
import { LedgerReader } from '../read/ledger-reader.js';

/** What `GET /v1/ledger/head` answers: the chain's head and Merkle root, signed by the department. */
export interface SignedHead {
  chain: string;
  seq: number;
  hash: string;
  treeSize: number;
  root: string;
  time: string;
  keyid: string;
  /** Ed25519 over `registry-bus/head/v1\n` ‖ SHA-256(JCS({chain, seq, hash, treeSize, root, time})). */
  sig: string;
}

export function headStatement(head: Omit<SignedHead, 'keyid' | 'sig'>): Uint8Array {
  return sha256(
    utf8(
      canonicalize({
        chain: head.chain,
        seq: String(head.seq),
        hash: head.hash,
        treeSize: String(head.treeSize),
        root: head.root,
        time: head.time,
      }),
    ),
  );
}

/**
 * The chain's head and root, signed — now, or as of an earlier `treeSize`
 * (the notary compares roots at the size it has itself; a head at a past
 * size is the same statement the department would have signed then).
 */
export async function signedHead(
  dataSource: DataSource,
  chain: string,
  signer: Signer,
  treeSize?: number,
): Promise<SignedHead> {
  const reader = new LedgerReader(dataSource);
  const current = await reader.head(chain);
  const size = treeSize ?? current?.seq ?? 0;
  if (size > (current?.seq ?? 0)) {
    throw new LedgerError(LedgerErrorCode.NOT_FOUND, `chain '${chain}' has ${current?.seq ?? 0} entries, not ${size}`, {
      field: 'treeSize',
    });
  }
  const last = size === 0 ? undefined : size === current?.seq ? current : await reader.entry(chain, size);
  const root = await rootAt(new PgNodeReader(dataSource, chain), size);
  const statement = {
    chain,
    seq: size,
    hash: last ? toHex(last.hash) : '0'.repeat(64),
    treeSize: size,
    root: toHex(root),
    time: new Date().toISOString(),
  };
  const sig = await signer.sign(signingMessage(SignatureDomain.HEAD, headStatement(statement)));
  return { ...statement, keyid: signer.keyId, sig: toBase64(sig) };
}

/** Checks a department's signed head under the trust bundle (key valid at the head's time). Throws on failure. */
export function verifySignedHead(
  head: SignedHead,
  department: string,
  bundle: TrustBundle,
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean,
): void {
  const key = resolveKey(bundle, head.keyid, department, new Date(head.time));
  if (!verify(fromBase64(head.sig), signingMessage(SignatureDomain.HEAD, headStatement(head)), key)) {
    throw new Error(`the head of '${head.chain}' is not signed by '${head.keyid}'`);
  }
}
