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

import { CourtErrorCode } from '../court-errors.js';
import { caseParams, hearingRequest, judgmentRequest, openCaseRequest } from '../court-requests.js';
import { caseAggregate } from './case-aggregate.js';

type Params = z.infer<typeof caseParams>;

/** The court register's REST surface: clerks register cases, hearings and final judgments. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
export class CasesController {
  constructor(@Inject(COMMANDS) private readonly commands: CommandRunner) {}

  @Post()
  @CommandRoute()
  @ApiOperation({ summary: 'Register a case with its parties and subject' })
  async open(
    @Body({ schema: openCaseRequest }) body: z.infer<typeof openCaseRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(caseAggregate, body.caseNumber, { kind: 'open-case', ...body }, context),
      response,
    );
  }

  @Post(':caseNumber/hearings')
  @CommandRoute()
  @ApiOperation({ summary: 'Record a hearing of the case' })
  async hearing(
    @Param({ schema: caseParams }) params: Params,
    @Body({ schema: hearingRequest }) body: z.infer<typeof hearingRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(caseAggregate, params.caseNumber, { kind: 'hold-hearing', ...body }, context),
      response,
    );
  }

  @Post(':caseNumber/judgments')
  @CommandRoute()
  @ApiOperation({
    summary:
      'Register a final judgment with its orders (seize a parcel, release a seizure, annul a diploma, ban pledges); a correction cites the judgment it corrects',
  })
  async judgment(
    @Param({ schema: caseParams }) params: Params,
    @Body({ schema: judgmentRequest }) body: z.infer<typeof judgmentRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(caseAggregate, params.caseNumber, { kind: 'register-judgment', ...body }, context),
      response,
    );
  }

  @Get(':caseNumber')
  @Readers()
  @PersonalData({ subjectParam: 'caseNumber', fields: ['parties', 'summary'] })
  @ApiOperation({ summary: 'A case with its hearings and judgments' })
  async case(@Param({ schema: caseParams }) params: Params) {
    const state = await this.commands.state(caseAggregate, params.caseNumber);
    if (state.status === 'none') {
      throw new DomainError(
        CourtErrorCode.CASE_NOT_FOUND,
        `there is no case ${params.caseNumber}`,
        'caseNumber',
        'not-found',
      );
    }
    return state;
  }
}
