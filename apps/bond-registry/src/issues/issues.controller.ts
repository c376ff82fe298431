import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  PersonalData,
  Readers,
  commandAnswer,
  type CommandRequest,
} from '@registry-bus/kit';
import type { Response } from 'express';
import type { z } from 'zod';

import { BondErrorCode } from '../bond-errors.js';
import {
  allocateRequest,
  couponRequest,
  issueParams,
  issuerParams,
  registerIssueRequest,
  registerIssuerRequest,
  stepRequest,
  transferRequest,
} from '../bond-requests.js';
import { issueAggregate } from './issue-aggregate.js';
import { issuerAggregate } from './issuer-aggregate.js';
import type { IssueCommand } from './issue-events.js';

type Params = z.infer<typeof issueParams>;

/**
 * The bond register's REST surface. Registering issuers and approving issues
 * is the regulator's (admins); clerks run the rest of the lifecycle.
 */
@ApiTags('bonds')
@ApiBearerAuth()
@Controller('v1')
export class IssuesController {
  constructor(@Inject(COMMANDS) private readonly commands: CommandRunner) {}

  @Post('issuers')
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Register an issuer (regulator: admins only)' })
  async registerIssuer(
    @Body({ schema: registerIssuerRequest }) body: z.infer<typeof registerIssuerRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(issuerAggregate, body.issuerId, { kind: 'register-issuer', ...body }, context),
      response,
    );
  }

  @Get('issuers/:issuerId')
  @Readers()
  @ApiOperation({ summary: 'An issuer' })
  async issuer(@Param({ schema: issuerParams }) params: z.infer<typeof issuerParams>) {
    const state = await this.commands.state(issuerAggregate, params.issuerId);
    if (state.status !== 'registered') {
      throw new DomainError(
        BondErrorCode.ISSUER_NOT_FOUND,
        `${params.issuerId} is not a registered issuer`,
        'issuerId',
        'not-found',
      );
    }
    return state;
  }

  @Post('issues')
  @CommandRoute()
  @ApiOperation({ summary: 'Register a bond issue with its terms' })
  async register(
    @Body({ schema: registerIssueRequest }) body: z.infer<typeof registerIssueRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const issuer = await this.commands.state(issuerAggregate, body.issuerId);
    return this.run(
      body.isin,
      { kind: 'register-issue', ...body, issuerRegistered: issuer.status === 'registered' },
      context,
      response,
    );
  }

  @Post('issues/:isin/approval')
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Approve a registered issue (regulator: admins only)' })
  approve(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: stepRequest }) body: z.infer<typeof stepRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'approve', ...body }, context, response);
  }

  @Post('issues/:isin/book')
  @CommandRoute()
  @ApiOperation({ summary: 'Open the book of an approved issue' })
  openBook(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: stepRequest }) body: z.infer<typeof stepRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'open-book', ...body }, context, response);
  }

  @Post('issues/:isin/allocations')
  @CommandRoute()
  @ApiOperation({ summary: 'Close the book: allocate bonds to investors through their banks' })
  allocate(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: allocateRequest }) body: z.infer<typeof allocateRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'allocate', ...body }, context, response);
  }

  @Post('issues/:isin/settlement')
  @CommandRoute()
  @ApiOperation({ summary: "Settle the issue: each investor's holding is recorded, and its bank told where granted" })
  settle(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: stepRequest }) body: z.infer<typeof stepRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'settle', ...body }, context, response);
  }

  @Post('issues/:isin/transfers')
  @CommandRoute()
  @ApiOperation({ summary: 'Transfer bonds between holders (after settlement)' })
  transfer(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: transferRequest }) body: z.infer<typeof transferRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'transfer', ...body }, context, response);
  }

  @Post('issues/:isin/coupons')
  @CommandRoute()
  @ApiOperation({ summary: 'Record a coupon payment' })
  coupon(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: couponRequest }) body: z.infer<typeof couponRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'pay-coupon', ...body }, context, response);
  }

  @Post('issues/:isin/redemption')
  @CommandRoute()
  @ApiOperation({ summary: 'Record the redemption of a settled issue' })
  redeem(
    @Param({ schema: issueParams }) params: Params,
    @Body({ schema: stepRequest }) body: z.infer<typeof stepRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(params.isin, { kind: 'redeem', ...body }, context, response);
  }

  @Get('issues/:isin')
  @Readers()
  @PersonalData({ subjectParam: 'isin', fields: ['allocations', 'investor', 'quantity'] })
  @ApiOperation({ summary: 'An issue: terms, step, allocations, holdings, coupons' })
  async issue(@Param({ schema: issueParams }) params: Params) {
    const state = await this.commands.state(issueAggregate, params.isin);
    if (state.status === 'none') {
      throw new DomainError(BondErrorCode.ISSUE_NOT_FOUND, `there is no issue ${params.isin}`, 'isin', 'not-found');
    }
    return state;
  }

  private async run(isin: string, command: IssueCommand, context: CommandRequest, response: Response) {
    return commandAnswer(await this.commands.run(issueAggregate, isin, command, context), response);
  }
}
