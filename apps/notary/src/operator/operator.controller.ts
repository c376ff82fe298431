import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemError, Roles } from '@registry-bus/kit';
import { z } from 'zod';

import type { OperatorOverview } from './operator-overview.js';
import { DEPARTMENT_PATTERN } from '@registry-bus/protocol';

export const OPERATOR_OVERVIEW = Symbol('OPERATOR_OVERVIEW');

/** How long callers share one overview. */
const OVERVIEW_SHARED_MS = 1000;

const feedQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(40) });
const entryParams = z.strictObject({
  chain: z.string().regex(DEPARTMENT_PATTERN, 'must be a chain id'),
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/**
 * The operator view's data: every register's head, anchors, witnesses, lags,
 * quarantine and alarms, and the entries crossing the bus (types and
 * positions only). For the notary's admins and auditors.
 */
@ApiTags('operator')
@ApiBearerAuth()
@Controller('v1/operator')
export class OperatorController {
  /** The overview being built or last built, and when it was started. */
  private latest: { startedAt: number; answer: Promise<unknown> } | undefined;

  constructor(@Inject(OPERATOR_OVERVIEW) private readonly overview: OperatorOverview) {}

  /**
   * One overview asks every department for its head and metrics; callers in
   * the same second share it (the page refreshes every two seconds), so
   * many open pages, or one client sending many requests, cost the
   * departments one round of questions a second, not one per request.
   */
  @Get('overview')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Every register: head, last anchor and its witnesses, publish and consumer lag, quarantine, alarms',
  })
  departments() {
    const now = Date.now();
    if (this.latest && now - this.latest.startedAt < OVERVIEW_SHARED_MS) return this.latest.answer;
    const answer = Promise.all([this.overview.departments(), this.overview.alarms()]).then(([departments, alarms]) => ({
      at: new Date().toISOString(),
      departments,
      alarms,
    }));
    // A failed overview is not shared: the next caller asks afresh.
    answer.catch(() => {
      if (this.latest?.answer === answer) this.latest = undefined;
    });
    this.latest = { startedAt: now, answer };
    return answer;
  }

  @Get('feed')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The latest entries crossing the bus: chain, seq, type and time — never data' })
  async feed(@Query() query: Record<string, string>) {
    return { entries: await this.overview.feed(feedQuery.parse(query).limit) };
  }

  @Get('entries/:chain/:seq')
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'One entry as the notary holds it (data only for control entries: alarms, anchors, grants…)',
  })
  async entry(@Param() params: Record<string, string>) {
    const { chain, seq } = entryParams.parse(params);
    const entry = await this.overview.entry(chain, seq);
    if (!entry)
      throw new ProblemError(
        404,
        'PORTAL.ENTRY_NOT_FOUND',
        'Not found',
        `the notary holds no entry ${seq} of ${chain}`,
        [{ field: 'seq', reason: 'no such entry in the notary’s store' }],
      );
    return entry;
  }
}
