import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { Ledger, LedgerError, LedgerErrorCode, treeConsistency, type StoredEntry } from '@registry-bus/ledger';
import { envelopeFromStored, parseDisclosure, parseStrictJsonBytes } from '@registry-bus/protocol';
import { z } from 'zod';
import type { DataSource } from 'typeorm';

import { CurrentOperator, Public, Readers } from '../auth/access.decorators.js';
import type { Operator } from '../auth/operator-token.js';
import type { ScopeRule } from '../scope/entry-scope.js';
import { PersonalData } from '../audit/personal-data.js';
import { SCOPE_RULE } from '../scope/scope-rule.token.js';
import type { ReceiptBuilder } from '../receipts/receipt-builder.js';
import { RECEIPTS } from '../receipts/receipts.controller.js';
import type { StatesReport } from '../commands/ledger-state.js';
import { chainField, chainQuery } from './chain-query.js';

export const LEDGER = Symbol('LEDGER');
/** Holds the stored aggregate states to the ledger (verify); absent in a bare ledger with no register. */
export const STATE_CHECK = Symbol('STATE_CHECK');

const seqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const listQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  chain: chainField,
});
const proofQuery = z.strictObject({ treeSize: z.coerce.number().int().min(1).optional(), chain: chainField });
const treeSizeField = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const consistencyQuery = z.strictObject({ from: treeSizeField, to: treeSizeField, chain: chainField });

/** Where the public receipt of entry `seq` of `chain` is (the chain named only when the ledger has several). */
export function receiptPath(ledger: Pick<Ledger, 'chains'>, chain: string, seq: number): string {
  const path = `/v1/ledger/entries/${seq}/receipt`;
  return ledger.chains.length > 1 ? `${path}?chain=${encodeURIComponent(chain)}` : path;
}

function present(entry: StoredEntry) {
  const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
  return {
    seq: entry.seq,
    envelope,
    data: entry.disclosure ? parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure')) : null,
  };
}

/**
 * The common ledger surface of every department: the signed head and
 * consistency proofs between its tree sizes are public; entries (with their
 * data), verification and inclusion proofs need an operator token
 * of the department (any role: auditors read everything, write nothing);
 * an operator scoped to one owner (a bank's clerk) gets that owner's entries
 * only (ScopeRule).
 * A sharded ledger is asked about one chain at a time (`?chain=land/1`),
 * except verify, which checks every chain when none is named.
 */
export const FOLLOWED_TREES = Symbol('FOLLOWED_TREES');

/** The hash trees a department keeps of the chains it follows: how many entries of each it holds. */
export interface FollowedTrees {
  dataSource: DataSource;
  sizeOf(chain: string): Promise<number>;
}

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    @Inject(LEDGER) private readonly ledger: Ledger,
    @Inject(SCOPE_RULE) private readonly scope: ScopeRule,
    // Optional: a bare ledger (no notary view) still verifies against itself.
    @Optional() @Inject(RECEIPTS) private readonly receipts?: ReceiptBuilder,
    @Optional() @Inject(STATE_CHECK) private readonly states?: { check(): Promise<StatesReport> },
    @Optional() @Inject(FOLLOWED_TREES) private readonly followed?: FollowedTrees,
  ) {}

  @Get('head')
  @Public()
  head(@Query() query: Record<string, string>) {
    const { treeSize, chain } = proofQuery.parse(query);
    return this.ledger.head(treeSize, chain);
  }

  // Public like the head: the proof and both roots are hashes of the tree, never an entry's content.
  @Get('consistency')
  @Public()
  @ApiOperation({
    summary:
      'RFC 6962 consistency proof that the tree of `to` entries extends the tree of its first `from`: of this ledger, or (`chain=`) of a chain it follows — the notary follows every chain',
  })
  async consistency(@Query() query: Record<string, string>) {
    const { from, to, chain } = consistencyQuery.parse(query);
    // A followed chain is proved from the hash tree this department keeps of it (what it received, hashes only).
    if (chain !== undefined && !this.ledger.chains.includes(chain) && this.followed) {
      const size = await this.followed.sizeOf(chain);
      if (size > 0) return treeConsistency(this.followed.dataSource, chain, size, from, to);
    }
    return this.ledger.consistencyProof(from, to, chain);
  }

  @Get('chains')
  @Public()
  @ApiOperation({ summary: "The ledger's chains: the department's one, or its shards (`<dept>/<n>`)" })
  chains() {
    return { department: this.ledger.department, chains: this.ledger.chains };
  }

  @Get('entries')
  @Readers()
  @PersonalData({ entries: 'page' })
  async entries(@Query() query: Record<string, string>, @CurrentOperator() operator: Operator) {
    const { after, limit, ...named } = listQuery.parse(query);
    const chain = this.ledger.chainOrOnly(named.chain);
    const entries = await this.ledger.reader.entries(chain, after, limit);
    // Filtered after the page is read: `next` follows the ledger, so a scoped page may be short but skips nothing.
    const visible = await this.scope.visible(operator, entries);
    return {
      chain,
      after,
      entries: visible.map(present),
      next: entries.length === limit ? entries.at(-1)!.seq : null,
    };
  }

  @Get('entries/:seq')
  @Readers()
  @PersonalData({ entries: 'one' })
  async entry(
    @Param('seq') seq: string,
    @Query() query: Record<string, string>,
    @CurrentOperator() operator: Operator,
  ) {
    const chain = this.ledger.chainOrOnly(chainQuery.parse(query).chain);
    const entry = await this.ledger.reader.entry(chain, z.object({ seq: seqParam }).parse({ seq }).seq);
    if (!entry)
      throw new LedgerError(LedgerErrorCode.NOT_FOUND, `there is no entry ${seq} in chain '${chain}'`, {
        field: 'seq',
      });
    await this.scope.assertVisible(operator, entry, 'seq');
    return present(entry);
  }

  @Get('entries/:seq/proof')
  @Readers()
  proof(@Param('seq') seq: string, @Query() query: Record<string, string>) {
    const { treeSize, chain } = proofQuery.parse(query);
    return this.ledger.inclusionProof(z.object({ seq: seqParam }).parse({ seq }).seq, treeSize, chain);
  }

  @Get('verify')
  @Readers()
  @ApiOperation({
    summary:
      'Recomputes every hash, link, signature and commitment, and holds the ledger to the latest witnessed anchor',
  })
  async verify(@Query() query: Record<string, string>) {
    const { chain } = chainQuery.parse(query);
    if (chain !== undefined || this.ledger.chains.length === 1)
      return this.withStates(await this.verifyChain(this.ledger.chainOrOnly(chain)));
    // Every shard, each held to its own anchors: the ledger is ok when every chain is.
    const chains = [];
    for (const shard of this.ledger.chains) chains.push(await this.verifyChain(shard));
    const failed = chains.find((report) => !report.ok);
    return this.withStates({
      ok: !failed,
      checked: chains.reduce((total, report) => total + report.checked, 0),
      ...(failed ? { reason: `${failed.chain}: ${failed.reason ?? 'failed'}` } : {}),
      chains,
    });
  }

  /**
   * The states the deciders read, each folded again from the ledger: a row
   * rewritten with the trigger switched off is named (issue #27). A chain
   * that failed keeps its own reason first.
   */
  private async withStates<R extends { ok: boolean; reason?: string }>(report: R) {
    if (!this.states) return report;
    const states = await this.states.check();
    const first = states.disagreements[0];
    if (!first) return { ...report, states };
    return { ...report, ok: false, reason: report.ok ? `aggregate_state: ${first.reason}` : report.reason, states };
  }

  private async verifyChain(chain: string) {
    const report = await this.ledger.verify({ chain });
    const anchor = await this.receipts?.latestWitnessedAnchor(chain);
    if (!report.ok || !anchor) return { ...report, anchor: anchor ?? null };
    // A ledger consistent with itself can still be a rewritten one: the notary and the witnesses remember.
    const upToAnchor =
      anchor.treeSize === report.treeSize ? report : await this.ledger.verify({ chain, toSeq: anchor.treeSize });
    if (upToAnchor.treeSize === anchor.treeSize && upToAnchor.root === anchor.root)
      return { ...report, anchor: { ...anchor, matches: true } };
    return {
      ...report,
      ok: false,
      reason:
        upToAnchor.treeSize !== anchor.treeSize
          ? `the notary anchored ${anchor.treeSize} entries (notary seq ${anchor.notarySeq}) but this ledger has only ${report.checked}: its tail was removed`
          : `the first ${anchor.treeSize} entries have root ${upToAnchor.root}, but the notary anchored ${anchor.root} (notary seq ${anchor.notarySeq}, witnessed by ${anchor.witnessedBy.join(', ') || 'no one yet'}): history was rewritten`,
      anchor: { ...anchor, matches: false },
    };
  }
}
