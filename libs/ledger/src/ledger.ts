import { consistencyProofAt, inclusionProofAt, rootAt } from '@registry-bus/merkle';
import { toHex, type Signer, type TrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { AppendCommand, AppendResult } from './append/append-command.js';
import { LedgerAppender } from './append/ledger-appender.js';
import { LedgerError, LedgerErrorCode } from './errors/ledger-error.js';
import { signedHead, type SignedHead } from './head/signed-head.js';
import { PgNodeReader, pgChainTree } from './merkle/pg-node-store.js';
import { LedgerReader } from './read/ledger-reader.js';
import { protocolSealer } from './sealing/protocol-sealer.js';
import { chainForSubject, shardChains } from './shards/chain-shards.js';
import { protocolChainChecks } from './verify/protocol-checks.js';
import { verifyChain, type VerifyReport } from './verify/verify-chain.js';

export interface LedgerOptions {
  dataSource: DataSource;
  /** The department's chain, e.g. `land` (with shards: the department, whose chains are `land/0` …). */
  chain: string;
  /** Split into this many chains (`<dept>/<shard>`), a subject's entries always in the same one. Default 1. */
  shards?: number;
  signer: Signer;
  trustBundle: () => TrustBundle;
  maxBatchCommands?: number;
  onCommitted?: (chain: string, lastSeq: number) => void;
}

/**
 * A department's ledger: append (group commit), read, prove, verify, and its
 * signed head. One chain, or S shards (each its own hash chain and Merkle
 * tree, anchored and witnessed each) with every subject in one of them.
 */
export class Ledger {
  readonly appender: LedgerAppender;
  readonly reader: LedgerReader;
  /** `land`, or `land/0` … `land/<S-1>`. */
  readonly chains: readonly string[];
  private readonly shards: number;

  constructor(private readonly options: LedgerOptions) {
    this.shards = options.shards ?? 1;
    this.chains = shardChains(options.chain, this.shards);
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

  /** The department whose ledger this is. */
  get department(): string {
    return this.options.chain;
  }

  /** The chain that holds `subject`'s entries. */
  chainFor(subject: string): string {
    return chainForSubject(this.options.chain, this.shards, subject);
  }

  /** `chain`, which must be one of this ledger's; omitted, the ledger's only chain (a sharded ledger needs one named). */
  chainOrOnly(chain?: string): string {
    if (chain === undefined) {
      if (this.chains.length === 1) return this.chains[0]!;
      throw new LedgerError(
        LedgerErrorCode.INVALID,
        `the ledger of ${this.department} is split into ${this.chains.length} shards: name one (${this.chains.join(', ')})`,
        { field: 'chain' },
      );
    }
    if (!this.chains.includes(chain))
      throw new LedgerError(
        LedgerErrorCode.NOT_FOUND,
        `'${chain}' is not a chain of this ledger (${this.chains.join(', ')})`,
        { field: 'chain' },
      );
    return chain;
  }

  /** Appends to the command's chain; a command naming none goes to the ledger's only chain. */
  async append<R>(command: AppendCommand<R>): Promise<AppendResult<R>> {
    return this.appender.append({ ...command, chain: this.chainOrOnly(command.chain) });
  }

  /**
   * Records the command in every chain at once (on a ledger of one chain: an
   * ordinary append). For what every shard must carry at a position of its
   * own: the access grants its followers decide that shard's entries by.
   */
  async appendToEvery<R>(command: Omit<AppendCommand<R>, 'chain'>): Promise<AppendResult<R>> {
    return this.chains.length === 1 ? this.append(command) : this.appender.appendToEvery(this.chains, command);
  }

  async head(treeSize?: number, chain?: string): Promise<SignedHead> {
    return signedHead(this.options.dataSource, this.chainOrOnly(chain), this.options.signer, treeSize);
  }

  async verify(options: { fromSeq?: number; toSeq?: number; chain?: string } = {}): Promise<VerifyReport> {
    const chain = this.chainOrOnly(options.chain);
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
  async inclusionProof(seq: number, treeSize?: number, chainOfEntry?: string): Promise<InclusionAnswer> {
    const chain = this.chainOrOnly(chainOfEntry);
    const size = (await this.reader.head(chain))?.seq ?? 0;
    return treeInclusion(this.options.dataSource, chain, size, seq, treeSize ?? size);
  }

  /**
   * RFC 6962 §2.1.2 consistency proof that the tree of `to` entries extends
   * the tree of its first `from` (0 ≤ from ≤ to ≤ the current size), with
   * both roots; from 0 or from = to the proof is empty (RFC 9162 §2.1.4).
   */
  async consistencyProof(from: number, to: number, chainOfTree?: string): Promise<ConsistencyAnswer> {
    const chain = this.chainOrOnly(chainOfTree);
    const size = (await this.reader.head(chain))?.seq ?? 0;
    return treeConsistency(this.options.dataSource, chain, size, from, to);
  }

  close(): Promise<void> {
    return this.appender.close();
  }
}

/** An RFC 6962 inclusion proof of one entry in a tree of `treeSize` entries, with that tree's root (hex). */
export interface InclusionAnswer {
  seq: number;
  leafIndex: number;
  treeSize: number;
  root: string;
  proof: string[];
}

/**
 * The inclusion proof of entry `seq` in the first `treeSize` entries of the
 * hash tree this database keeps of `chain` — its own, or one it follows —
 * which holds `size` entries now. Hashes only.
 */
export async function treeInclusion(
  dataSource: DataSource,
  chain: string,
  size: number,
  seq: number,
  treeSize: number,
): Promise<InclusionAnswer> {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > size)
    throw new LedgerError(LedgerErrorCode.NOT_FOUND, `chain '${chain}' has ${size} entries, not ${treeSize}`, {
      field: 'treeSize',
    });
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > treeSize)
    throw new LedgerError(LedgerErrorCode.NOT_FOUND, `entry ${seq} is not in a tree of ${treeSize} entries`, {
      field: 'seq',
    });
  const reader = new PgNodeReader(dataSource, chain);
  const [proof, root] = await Promise.all([inclusionProofAt(reader, seq - 1, treeSize), rootAt(reader, treeSize)]);
  return { seq, leafIndex: seq - 1, treeSize, root: toHex(root), proof: proof.map(toHex) };
}

/** A consistency proof between two sizes of a chain's tree, with both roots (hex). */
export interface ConsistencyAnswer {
  chain: string;
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}

/**
 * The consistency proof between sizes `from` and `to` of the hash tree this
 * database keeps of `chain` — its own, or one it follows (the notary, every
 * follower) — which holds `size` entries now. Hashes only.
 */
export async function treeConsistency(
  dataSource: DataSource,
  chain: string,
  size: number,
  from: number,
  to: number,
): Promise<ConsistencyAnswer> {
  if (!Number.isSafeInteger(to) || to < 0 || to > size)
    throw new LedgerError(LedgerErrorCode.INVALID, `chain '${chain}' has ${size} entries, not ${to}`, {
      field: 'to',
    });
  if (!Number.isSafeInteger(from) || from < 0 || from > to)
    throw new LedgerError(LedgerErrorCode.INVALID, `from (${from}) must be between 0 and to (${to})`, {
      field: 'from',
    });
  const reader = new PgNodeReader(dataSource, chain);
  const [proof, fromRoot, toRoot] = await Promise.all([
    consistencyProofAt(reader, from, to),
    rootAt(reader, from),
    rootAt(reader, to),
  ]);
  return { chain, from, to, fromRoot: toHex(fromRoot), toRoot: toHex(toRoot), proof: proof.map(toHex) };
}
