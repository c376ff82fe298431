import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { CurrentOperator, Roles } from '../auth/access.decorators.js';
import type { Operator } from '../auth/operator-token.js';
import { ProblemError } from '../problems/problem-details.js';
import { seesEveryOwner } from '../scope/entry-scope.js';
import { AUDIT_LOG, AUDIT_PAGE_LIMIT, type AuditLog } from './audit-log.js';

const readsQuery = z.strictObject({
  subject: z.string().min(1).max(200).describe('The register subject read: a cadastral number, a diploma number…'),
  after: z.coerce.number().int().min(0).default(0).describe('The last id of the previous page'),
});

/** The read audit, for auditors: who read which personal fields of a subject, through which route, when. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly audit: AuditLog) {}

  @Get('reads')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every operator read of personal data about a subject, oldest first' })
  async reads(@Query() query: Record<string, string>, @CurrentOperator() operator: Operator) {
    // The audit spans every owner's subjects: an auditor scoped to one bank or institution does not read it.
    if (!seesEveryOwner(operator))
      throw new ProblemError(
        403,
        'AUTH.OUT_OF_SCOPE',
        'Not allowed',
        `${operator.operator} acts for ${operator.scope} only; the audit holds every owner's subjects`,
      );
    const { subject, after } = readsQuery.parse(query);
    const reads = await this.audit.reads(subject, after);
    return {
      subject,
      reads: reads.map(({ id, operator, role, method, route, fields, detail, recordedAt }) => ({
        id,
        operator,
        role,
        method,
        route,
        fields,
        // What a read said of itself beyond its route (a creditor-register search: its purpose and answers).
        detail,
        at: recordedAt.toISOString(),
      })),
      next: reads.length === AUDIT_PAGE_LIMIT ? reads.at(-1)!.id : null,
    };
  }
}
