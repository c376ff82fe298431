import { Body, Controller, Delete, Get, HttpCode, Inject, Optional, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import type { Request } from 'express';

import { AUDIT_LOG, type AuditLog } from '../audit/audit-log.js';
import { ProblemError } from '../problems/problem-details.js';
import { CurrentOperator, Roles } from './access.decorators.js';
import { TOKEN_STORE, routeOf } from './auth.guard.js';
import { ROLES, type Operator } from './operator-token.js';
import { TokenStore } from './token-store.js';

export const OPERATOR_ID = z
  .string()
  .regex(/^[a-z][a-z0-9._:-]{0,99}$/, 'must be an operator id such as "clerk:anna" (lower case, digits, . _ : -)')
  // oidc:<issuer>:<sub> names an operator the OpenID provider signed in: an opaque token must not pass for one.
  .refine((id) => !id.startsWith('oidc:'), 'must not begin with "oidc:", the prefix of operators signed in by OpenID');

const issueTokenBody = z.strictObject({
  operator: OPERATOR_ID,
  role: z.enum(ROLES),
  scope: z
    .string()
    .regex(/^[a-z][a-z0-9._:-]{0,99}$/, 'must be an id such as "bank:alpha"')
    .optional()
    .describe('What the operator acts for inside the department: a bank, a university'),
  validForDays: z.int().min(1).max(366).default(30),
});

const tokenId = z.object({ id: z.uuid({ message: 'must be a token id (a UUID)' }) });

/** Admins of a department issue, list and revoke its operators' tokens. The secret is shown once. */
@ApiTags('operators')
@ApiBearerAuth()
@Controller('v1/admin/tokens')
export class TokensController {
  constructor(
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Optional() @Inject(AUDIT_LOG) private readonly audit?: AuditLog,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Issue a token (the secret is in this answer only)' })
  async issue(
    @Body({ schema: issueTokenBody }) body: z.infer<typeof issueTokenBody>,
    @CurrentOperator() admin: Operator,
    @Req() request: Request,
  ) {
    const issued = await this.tokens.issue({
      operator: body.operator,
      role: body.role,
      scope: body.scope ?? null,
      validForSeconds: body.validForDays * 86_400,
      issuedBy: admin.operator,
    });
    await this.audit?.record({
      kind: 'token-issued',
      operator: admin.operator,
      role: admin.role,
      method: request.method,
      route: routeOf(request),
      subject: issued.id,
      status: 201,
      detail: `${issued.operator} as ${issued.role}${issued.scope ? ` for ${issued.scope}` : ''} until ${issued.expiresAt.toISOString()}`,
    });
    return issued;
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every token of this department, without secrets' })
  list() {
    return this.tokens.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a token; it stops working at once' })
  async revoke(
    @Param({ schema: tokenId }) params: z.infer<typeof tokenId>,
    @CurrentOperator() admin: Operator,
    @Req() request: Request,
  ) {
    const revoked = await this.tokens.revoke(params.id, admin.operator);
    if (revoked)
      await this.audit?.record({
        kind: 'token-revoked',
        operator: admin.operator,
        role: admin.role,
        method: request.method,
        route: routeOf(request),
        subject: params.id,
        status: 204,
      });
    if (!revoked) {
      throw new ProblemError(404, 'AUTH.TOKEN_NOT_FOUND', 'No such token', `there is no active token ${params.id}`, [
        { field: 'id', reason: 'no active token with this id' },
      ]);
    }
  }
}
