import { inclusionProofAt, rootAt } from '@registry-bus/merkle';
import { toHex, type Signer, type TrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { AppendCommand, AppendResult } from './append/append-command.js';
import { LedgerAppender } from './append/ledger-appender.js';
import { LedgerError, LedgerErrorCode } from './errors/ledger-error.js';
import { signedHead, type SignedHead } from './head/signed-head.js';
import { PgNodeReader, pgChainTree } from './merkle/pg-node-store.js';
import { LedgerReader } from './read/ledger-reader.js';
import { protocolSealer } from './sealing/protocol-sealer.js';
import { protocolChainChecks } from './verify/protocol-checks.js';
import { verifyChain, type VerifyReport } from './verify/verify-chain.js';

export interface LedgerOptions {
  dataSource: DataSource;
  /** The department's chain, e.g. `land`. */
  chain: string;
  signer: Signer;
  trustBundle: () => TrustBundle;
  maxBatchCommands?: number;
  onCommitted?: (chain: string, lastSeq: number) => void;
}

/** A department's ledger: append (group commit), read, prove, verify, and its signed head. */
export class Ledger {
  readonly appender: LedgerAppender;
  readonly reader: LedgerReader;

  constructor(private readonly options: LedgerOptions) {
    this.appender = new LedgerAppender({
      dataSource: options.dataSource,
      chain: options.chain,
      seal: protocolSealer(options.signer),
      tree: pgChainTree,
      maxBatchCommands: options.maxBatchCommands,
      onCommitted: options.onCommitted,
    });
    this.reader = new LedgerReader(options.dataSource);
  }

  get chain(): string {
    return this.options.chain;
  }

  append<R>(command: AppendCommand<R>): Promise<AppendResult<R>> {
    return this.appender.append(command);
  }

  head(treeSize?: number): Promise<SignedHead> {
    return signedHead(this.options.dataSource, this.options.chain, this.options.signer, treeSize);
  }

  async verify(options: { fromSeq?: number; toSeq?: number } = {}): Promise<VerifyReport> {
    const chain = this.options.chain;
    let previousHash: Uint8Array | undefined;
    if (options.fromSeq !== undefined && options.fromSeq > 1) {
      previousHash = (await this.reader.entry(chain, options.fromSeq - 1))?.hash;
    }
    return verifyChain(
      chain,
      this.reader.stream(chain, options),
      protocolChainChecks(this.options.dataSource, this.options.trustBundle),
      {
        fromSeq: options.fromSeq,
        previousHash,
      },
    );
  }

  /** RFC 6962 inclusion proof of entry `seq` in the tree of `treeSize` entries (default: the current size). */
  async inclusionProof(
    seq: number,
    treeSize?: number,
  ): Promise<{ seq: number; leafIndex: number; treeSize: number; root: string; proof: string[] }> {
    const size = treeSize ?? (await this.reader.head(this.options.chain))?.seq ?? 0;
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > size) {
      throw new LedgerError(LedgerErrorCode.NOT_FOUND, `entry ${seq} is not in a tree of ${size} entries`, {
        field: 'seq',
      });
    }
    const reader = new PgNodeReader(this.options.dataSource, this.options.chain);
    const [proof, root] = await Promise.all([inclusionProofAt(reader, seq - 1, size), rootAt(reader, size)]);
    return { seq, leafIndex: seq - 1, treeSize: size, root: toHex(root), proof: proof.map(toHex) };
  }

  close(): Promise<void> {
    return this.appender.close();
  }
}
