import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  CurrentOperator,
  Readers,
  assertActsFor,
  commandAnswer,
  type Operator,
  type CommandRequest,
} from '@registry-bus/kit';
import type { Response } from 'express';
import type { z } from 'zod';

import { DiplomaErrorCode } from '../diploma-errors.js';
import { institutionParams, registerInstitutionRequest } from '../diploma-requests.js';
import { institutionAggregate } from './institution-aggregate.js';

@ApiTags('institutions')
@ApiBearerAuth()
@Controller('v1/institutions')
export class InstitutionsController {
  constructor(@Inject(COMMANDS) private readonly commands: CommandRunner) {}

  @Post()
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Register an accredited institution (registry admins only)' })
  async register(
    @Body({ schema: registerInstitutionRequest }) body: z.infer<typeof registerInstitutionRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(
        institutionAggregate,
        body.institutionId,
        { kind: 'register-institution', ...body },
        context,
      ),
      response,
    );
  }

  @Get(':institutionId')
  @Readers()
  @ApiOperation({ summary: 'An institution' })
  async institution(
    @Param({ schema: institutionParams }) params: z.infer<typeof institutionParams>,
    @CurrentOperator() operator: Operator,
  ) {
    assertActsFor(operator, params.institutionId, 'institutionId');
    const state = await this.commands.state(institutionAggregate, params.institutionId);
    if (state.status !== 'registered') {
      throw new DomainError(
        DiplomaErrorCode.INSTITUTION_NOT_FOUND,
        `${params.institutionId} is not a registered institution`,
        'institutionId',
        'not-found',
      );
    }
    return state;
  }
}
