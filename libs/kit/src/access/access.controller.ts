import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { GrantState } from '@registry-bus/access';
import { accessAudits } from '@registry-bus/bus';
import { LEGAL_DOCUMENT_TYPES } from '@registry-bus/domain';
import type { DataSource } from 'typeorm';
import type { Response } from 'express';
import { z } from 'zod';

import { Readers, Roles } from '../auth/access.decorators.js';
import { COMMANDS } from '../commands/commands.token.js';
import type { CommandRunner } from '../commands/command-runner.js';
import { CommandContext, CommandRoute, commandAnswer, type CommandRequest } from '../http/command-request.js';
import { grantsGiven } from '../queries/query-grants.js';
import { grantAggregate } from './grant-aggregate.js';
import { DEPARTMENT_PATTERN } from '@registry-bus/protocol';

export const ACCESS_CONTEXT = Symbol('ACCESS_CONTEXT');

/** What the access controller needs of its department. */
export interface AccessContext {
  department: string;
  dataSource: DataSource;
  /** Grants other departments gave this one, as the consumer's policy holds them now. */
  received(): unknown[];
}

const instant = z.iso.datetime({ offset: true });
const issueGrantRequest = z.strictObject({
  grantee: z.string().regex(DEPARTMENT_PATTERN, 'must be a department id such as "credit"'),
  eventTypes: z
    .array(
      z
        .string()
        .regex(
          /^gov\.[a-z][a-z0-9-]{0,30}(\.[a-z][a-z0-9-]*)*(\.\*|\.v[1-9][0-9]{0,3})$/,
          'must be an event type or a pattern ending in .*, e.g. "gov.land.parcel.*"',
        ),
    )
    .min(1)
    .max(50),
  fields: z.union([
    z.literal('*'),
    z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/))
      .min(1)
      .max(100),
  ]),
  purpose: z.string().trim().min(1).max(500),
  basis: z
    .strictObject({
      documentType: z.enum(LEGAL_DOCUMENT_TYPES),
      reference: z.string().trim().min(1).max(200),
    })
    .describe('The law or agreement the grant rests on: its kind (statute, data-sharing-agreement…) and reference'),
  validFrom: instant.optional().describe('Defaults to now'),
  validUntil: instant.optional(),
});
const revokeGrantRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const grantParams = z.strictObject({ grantId: z.uuid() });
const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * Access rights of a department: its admins grant and revoke access to its
 * own data (each a control entry of its ledger, as tamper-evident as the
 * data); every role may list what it gave and received and read the audit of
 * what its consumer was denied or had redacted.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access')
export class AccessController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(ACCESS_CONTEXT) private readonly context: AccessContext,
  ) {}

  @Post('grants')
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Grant another department access to some of this department’s event types and fields' })
  async issue(
    @Body({ schema: issueGrantRequest }) body: z.infer<typeof issueGrantRequest>,
    @CommandContext() request: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const grantId = randomUUID();
    const { validUntil, ...rest } = body;
    const outcome = await this.commands.run(
      grantAggregate,
      grantId,
      {
        kind: 'issue-grant',
        owner: this.context.department,
        grantId,
        ...rest,
        validFrom: body.validFrom ?? new Date().toISOString(),
        ...(validUntil ? { validUntil } : {}),
      },
      request,
    );
    return { grantId, ...commandAnswer(outcome, response) };
  }

  @Post('grants/:grantId/revoke')
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Revoke a grant; it stops at this position of the ledger' })
  async revoke(
    @Param({ schema: grantParams }) params: z.infer<typeof grantParams>,
    @Body({ schema: revokeGrantRequest }) body: z.infer<typeof revokeGrantRequest>,
    @CommandContext() request: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.run(
      grantAggregate,
      params.grantId,
      { kind: 'revoke-grant', owner: this.context.department, grantId: params.grantId, reason: body.reason },
      request,
    );
    return commandAnswer(outcome, response);
  }

  @Get('grants/given')
  @Readers()
  @ApiOperation({ summary: 'Grants this department gave, with their status, as its ledger records them' })
  async given(): Promise<GrantState[]> {
    // From the ledger's grant entries, as queries are decided: what the admins see is what is in force.
    const grants = await grantsGiven(this.context.dataSource, this.context.department);
    return grants.map(({ owner: _owner, issuedSeq: _seq, revoked, ...grant }) =>
      revoked ? { status: 'revoked', grant, revokedReason: revoked.reason } : { status: 'active', grant },
    );
  }

  @Get('grants/received')
  @Readers()
  @ApiOperation({ summary: 'Grants other departments gave this one, as its consumer applies them' })
  received() {
    return this.context.received();
  }

  @Get('audit')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Entries of other departments whose data this consumer was denied or had redacted' })
  async audit(@Query({ schema: auditQuery }) query: z.infer<typeof auditQuery>) {
    const records = await accessAudits(this.context.dataSource, query.after, query.limit);
    return { records, next: records.length === query.limit ? records.at(-1)!.id : null };
  }
}
