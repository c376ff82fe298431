import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { Roles } from '../auth/access.decorators.js';
import { ProblemError } from '../problems/problem-details.js';
import type { SourceCheck } from './check-source.js';
import type { RecoveryReport } from './recover-ledger.js';

export const RECOVERY_CONTEXT = Symbol('RECOVERY_CONTEXT');

export interface RecoveryContextView {
  lastRecovery: () => RecoveryReport | undefined;
  check: (from: 'topic' | 'mirrors') => Promise<SourceCheck> | 'no-mirrors' | 'busy';
}

const checkBody = z.strictObject({ from: z.enum(['topic', 'mirrors']).default('topic') });

/**
 * Recovery itself runs at start-up (LEDGER_RECOVERY): an app that lost its
 * ledger must not answer anything until it is rebuilt, so there is no
 * running app to ask. What an admin or auditor can do on a running one is
 * see the report of the recovery this start ran, and test the off-site copy
 * — the topic, or the mirrors — before it is needed.
 */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/ledger/recovery')
export class RecoveryController {
  constructor(@Inject(RECOVERY_CONTEXT) private readonly context: RecoveryContextView) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'The report of the recovery this start ran (null when it ran none)' })
  report() {
    return { recovery: this.context.lastRecovery() ?? null };
  }

  @Post('check')
  @HttpCode(200)
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary:
      'Reads the topic (or the configured mirrors) to the end and says whether a recovery from it would give back every entry, verified and identical; writes nothing',
  })
  async check(@Body({ schema: checkBody }) body: z.infer<typeof checkBody>) {
    const check = this.context.check(body.from);
    if (check === 'busy')
      throw new ProblemError(
        409,
        'RECOVERY.CHECK_RUNNING',
        'A check is running',
        'another check of the off-site copy is running; each reads the whole copy, so one at a time',
      );
    if (check === 'no-mirrors')
      throw new ProblemError(
        400,
        'RECOVERY.NO_MIRRORS',
        'No mirrors configured',
        'LEDGER_RECOVERY_MIRRORS is not set: there are no mirrors to check',
        [{ field: 'from', reason: 'no mirrors are configured; check the topic, or set LEDGER_RECOVERY_MIRRORS' }],
      );
    return check;
  }
}
