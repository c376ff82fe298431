import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  CurrentOperator,
  PersonalData,
  Readers,
  assertActsFor,
  commandAnswer,
  type CommandRequest,
  type Operator,
} from '@registry-bus/kit';
import type { Response } from 'express';
import type { z } from 'zod';

import { bankAggregate } from '../banks/bank-aggregate.js';
import { applicationParams, bankParams, closeApplicationRequest, openApplicationRequest } from '../credit-requests.js';
import { CreditErrorCode } from '../pledges/credit-errors.js';
import { applicationAggregate, applicationSubject } from './application-aggregate.js';

/**
 * A bank's credit applications: the permissible purposes its clerks search
 * the shared creditor register under. Only the bank's own clerks open and
 * close them (the scope rule); the times are this register's clock, not the
 * request's, so a purpose cannot be dated back.
 */
@ApiTags('credit applications')
@ApiBearerAuth()
@Controller('v1/banks/:bankId/applications')
export class ApplicationsController {
  constructor(@Inject(COMMANDS) private readonly commands: CommandRunner) {}

  @Post()
  @CommandRoute()
  @ApiOperation({ summary: 'Record that a borrower applied to this bank for credit, offering these parcels' })
  async open(
    @Param({ schema: bankParams }) params: z.infer<typeof bankParams>,
    @Body({ schema: openApplicationRequest }) body: z.infer<typeof openApplicationRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertActsFor(context.operator, params.bankId, 'bankId');
    const bank = await this.commands.state(bankAggregate, params.bankId);
    if (bank.status !== 'registered') {
      throw new DomainError(
        CreditErrorCode.BANK_NOT_FOUND,
        `${params.bankId} is not a registered lender`,
        'bankId',
        'not-found',
      );
    }
    return commandAnswer(
      await this.commands.run(
        applicationAggregate,
        applicationSubject(params.bankId, body.applicationId),
        { kind: 'open-application', bankId: params.bankId, ...body, openedAt: new Date().toISOString() },
        context,
      ),
      response,
    );
  }

  @Post(':applicationId/close')
  @CommandRoute()
  @ApiOperation({ summary: 'Close the application (granted, declined, withdrawn): no more searches under it' })
  async close(
    @Param({ schema: applicationParams }) params: z.infer<typeof applicationParams>,
    @Body({ schema: closeApplicationRequest }) body: z.infer<typeof closeApplicationRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertActsFor(context.operator, params.bankId, 'bankId');
    return commandAnswer(
      await this.commands.run(
        applicationAggregate,
        applicationSubject(params.bankId, params.applicationId),
        { kind: 'close-application', ...params, ...body, closedAt: new Date().toISOString() },
        context,
      ),
      response,
    );
  }

  @Get(':applicationId')
  @Readers()
  @PersonalData({ subjectParam: 'applicationId', fields: ['borrower', 'assets', 'outcome'] })
  @ApiOperation({ summary: "A credit application of this bank: borrower, parcels, open or closed (the bank's own)" })
  async application(
    @Param({ schema: applicationParams }) params: z.infer<typeof applicationParams>,
    @CurrentOperator() operator: Operator,
  ) {
    assertActsFor(operator, params.bankId, 'bankId');
    const state = await this.commands.state(
      applicationAggregate,
      applicationSubject(params.bankId, params.applicationId),
    );
    if (state.status === 'none') {
      throw new DomainError(
        CreditErrorCode.APPLICATION_NOT_FOUND,
        `${params.bankId} has no application ${params.applicationId}`,
        'applicationId',
        'not-found',
      );
    }
    return state;
  }
}
