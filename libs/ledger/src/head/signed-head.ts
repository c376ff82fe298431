import { sha256 } from '@noble/hashes/sha2.js';
import { rootAt } from '@registry-bus/merkle';
import {
  SignatureDomain,
  canonicalize,
  signingMessage,
  toBase64,
  toHex,
  utf8,
  type Signer,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

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

export async function signedHead(dataSource: DataSource, chain: string, signer: Signer): Promise<SignedHead> {
  const head = await new LedgerReader(dataSource).head(chain);
  const treeSize = head?.seq ?? 0;
  const root = await rootAt(new PgNodeReader(dataSource, chain), treeSize);
  const statement = {
    chain,
    seq: treeSize,
    hash: head ? toHex(head.hash) : '0'.repeat(64),
    treeSize,
    root: toHex(root),
    time: new Date().toISOString(),
  };
  const sig = await signer.sign(signingMessage(SignatureDomain.HEAD, headStatement(statement)));
  return { ...statement, keyid: signer.keyId, sig: toBase64(sig) };
}
