import { once } from 'node:events';

import { Controller, Get, Inject, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';

import { CurrentOperator, Public, Readers } from '../auth/access.decorators.js';
import type { Operator } from '../auth/operator-token.js';
import type { ScopeRule } from '../scope/entry-scope.js';
import { SCOPE_RULE } from '../scope/scope-rule.token.js';
import { chainQuery } from '../ledger-http/chain-query.js';
import { ProblemError } from '../problems/problem-details.js';
import type { ReceiptBuilder } from './receipt-builder.js';

export const RECEIPTS = Symbol('RECEIPTS');

const params = z.strictObject({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

/** `GET /v1/ledger/entries/:seq/receipt`: public; discloses only the fields the event type marks public. */
@ApiTags('ledger')
@Controller('v1/ledger')
export class ReceiptsController {
  private readonly logger = new Logger('ReceiptsController');

  constructor(
    @Inject(RECEIPTS) private readonly receipts: ReceiptBuilder,
    @Inject(SCOPE_RULE) private readonly scope: ScopeRule,
  ) {}

  @Get('entries/:seq/receipt')
  @Public()
  @ApiOperation({
    summary: 'A receipt anyone can verify offline (`npx registry-bus verify`); 202 with Retry-After until anchored',
  })
  async receipt(
    @Param({ schema: params }) { seq }: z.infer<typeof params>,
    @Query({ schema: chainQuery }) { chain }: z.infer<typeof chainQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.receipts.build(seq, chain);
    if (result.kind === 'not-found') {
      throw new ProblemError(
        404,
        'LEDGER.NOT_FOUND',
        'No such entry',
        `there is no entry ${seq} in ${chain ?? 'this ledger'}`,
        [{ field: 'seq', reason: 'no entry at this position' }],
      );
    }
    if (result.kind === 'not-anchored') {
      // Not an error: the notary anchors every few seconds.
      response.status(202).setHeader('Retry-After', '5');
      // With the entry alone: `registry-bus verify` says UNANCHORED, judging its key by the bundle as of now (#24).
      return {
        status: 'not-yet-anchored',
        seq,
        detail: 'the notary has not anchored this entry yet; retry shortly',
        receipt: result.receipt,
      };
    }
    return result.receipt;
  }

  @Get('export')
  @Readers()
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'The whole ledger as JSON lines (public fields only), with its anchors and cosignatures: `registry-bus verify-ledger` checks it offline',
  })
  async export(
    @Query({ schema: chainQuery }) { chain }: z.infer<typeof chainQuery>,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ): Promise<void> {
    // The export is the whole ledger (verify-ledger checks it as one chain): not for an operator scoped to one owner.
    this.scope.assertSeesEveryOwner(operator, 'the export');
    const lines = this.receipts.exportLines(chain);
    // The first line before the status: a sharded ledger asked without a chain is still a problem+json answer.
    const first = await lines.next();
    response.status(200).setHeader('content-type', 'application/x-ndjson');
    const name = (chain ?? this.receipts.department).replace('/', '-');
    response.setHeader('content-disposition', `attachment; filename="${name}-ledger.jsonl"`);
    if (!first.done) response.write(`${JSON.stringify(first.value)}\n`);
    try {
      for await (const line of lines) {
        // A client gone mid-export: stop reading the ledger for it (leaving the loop closes the pages).
        if (response.destroyed) return;
        if (!response.write(`${JSON.stringify(line)}\n`)) await drainedOrClosed(response);
      }
      response.end();
    } catch (error) {
      // The status and part of the file are out, so no problem+json can follow: the connection is cut
      // instead of ending the body, and the client sees an incomplete response, never a whole-looking file.
      this.logger.error(`export of ${chain ?? this.receipts.department} failed mid-stream: ${String(error)}`);
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** Backpressure: the next line waits until the client took the last ones, or until it went away. */
async function drainedOrClosed(response: Response): Promise<void> {
  if (response.destroyed) return;
  const abort = new AbortController();
  try {
    await Promise.race([
      once(response, 'drain', { signal: abort.signal }),
      once(response, 'close', { signal: abort.signal }),
    ]);
  } finally {
    abort.abort();
  }
}
