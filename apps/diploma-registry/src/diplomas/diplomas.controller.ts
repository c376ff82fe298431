import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  CurrentOperator,
  LEDGER,
  type Operator,
  Public,
  PersonalData,
  Readers,
  assertActsFor,
  assertOwnedBy,
  commandAnswer,
  receiptPath,
  type CommandRequest,
} from '@registry-bus/kit';
import type { Ledger } from '@registry-bus/ledger';
import { envelopeFromStored } from '@registry-bus/protocol';
import type { Response } from 'express';
import type { z } from 'zod';

import { DiplomaErrorCode } from '../diploma-errors.js';
import {
  correctDiplomaRequest,
  diplomaParams,
  issueDiplomaRequest,
  revokeDiplomaRequest,
} from '../diploma-requests.js';
import { institutionAggregate } from '../institutions/institution-aggregate.js';
import type { DiplomaState } from './decide-diploma.js';
import { diplomaAggregate } from './diploma-aggregate.js';

type Params = z.infer<typeof diplomaParams>;
type Issued = Exclude<DiplomaState, { status: 'none' }>;

const notFound = (diplomaNumber: string) =>
  new DomainError(
    DiplomaErrorCode.DIPLOMA_NOT_FOUND,
    `there is no diploma ${diplomaNumber}`,
    'diplomaNumber',
    'not-found',
  );

/** The diploma register's REST surface: institutions' clerks issue their own diplomas; anyone checks one. */
@ApiTags('diplomas')
@ApiBearerAuth()
@Controller('v1/diplomas')
export class DiplomasController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(LEDGER) private readonly ledger: Ledger,
  ) {}

  @Post()
  @CommandRoute()
  @ApiOperation({ summary: 'Issue a diploma (a clerk of the issuing institution)' })
  async issue(
    @Body({ schema: issueDiplomaRequest }) body: z.infer<typeof issueDiplomaRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertActsFor(context.operator, body.institutionId, 'institutionId');
    const institution = await this.commands.state(institutionAggregate, body.institutionId);
    return commandAnswer(
      await this.commands.run(
        diplomaAggregate,
        body.diplomaNumber,
        {
          kind: 'issue',
          ...body,
          institutionRegistered: institution.status === 'registered',
          today: new Date().toISOString().slice(0, 10),
        },
        context,
      ),
      response,
    );
  }

  @Post(':diplomaNumber/corrections')
  @CommandRoute()
  @ApiOperation({ summary: 'Correct what a diploma says (its institution); the entry names only what changed' })
  async correct(
    @Param({ schema: diplomaParams }) params: Params,
    @Body({ schema: correctDiplomaRequest }) body: z.infer<typeof correctDiplomaRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.issuedByOperators(params.diplomaNumber, context);
    return commandAnswer(
      await this.commands.run(
        diplomaAggregate,
        params.diplomaNumber,
        { kind: 'correct', ...body, today: new Date().toISOString().slice(0, 10) },
        context,
      ),
      response,
    );
  }

  @Post(':diplomaNumber/revocation')
  @CommandRoute()
  @ApiOperation({ summary: 'Revoke a diploma, with the reason (its institution)' })
  async revoke(
    @Param({ schema: diplomaParams }) params: Params,
    @Body({ schema: revokeDiplomaRequest }) body: z.infer<typeof revokeDiplomaRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.issuedByOperators(params.diplomaNumber, context);
    return commandAnswer(
      await this.commands.run(diplomaAggregate, params.diplomaNumber, { kind: 'revoke', ...body }, context),
      response,
    );
  }

  @Get(':diplomaNumber')
  @Readers()
  @PersonalData({ subjectParam: 'diplomaNumber', fields: ['holder', 'holderName'] })
  @ApiOperation({ summary: 'A diploma with its holder (operators of the register)' })
  async diploma(@Param({ schema: diplomaParams }) params: Params, @CurrentOperator() operator: Operator) {
    const state = await this.commands.state(diplomaAggregate, params.diplomaNumber);
    if (state.status === 'none') throw notFound(params.diplomaNumber);
    assertOwnedBy(operator, state.institutionId, 'diplomaNumber', `diploma ${params.diplomaNumber}`);
    return state;
  }

  @Get(':diplomaNumber/status')
  @Public()
  @ApiOperation({
    summary:
      'Public check of a diploma by number (no token): valid or revoked, since when, why, and its receipts — never the holder',
  })
  async status(@Param({ schema: diplomaParams }) params: Params) {
    const state = await this.commands.state(diplomaAggregate, params.diplomaNumber);
    if (state.status === 'none') throw notFound(params.diplomaNumber);
    const institution = await this.commands.state(institutionAggregate, state.institutionId);
    const chain = this.ledger.chainFor(params.diplomaNumber);
    const entries = (await this.ledger.reader.entriesOfSubject(chain, params.diplomaNumber)).map((entry) => {
      const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
      return { seq: entry.seq, type: envelope.type, time: envelope.time };
    });
    const issued = entries.find((entry) => entry.type === 'gov.diploma.diploma.issued.v1');
    const revoked = entries.find((entry) => entry.type === 'gov.diploma.diploma.revoked.v1');
    return {
      diplomaNumber: state.diplomaNumber,
      status: state.status,
      institution: {
        institutionId: state.institutionId,
        name: institution.status === 'registered' ? institution.name : null,
      },
      programme: state.programme,
      degree: state.degree,
      awardedOn: state.awardedOn,
      issuedAt: issued?.time ?? null,
      ...(state.status === 'revoked'
        ? {
            revoked: {
              since: revoked?.time ?? null,
              reason: state.revocation?.reason ?? null,
              byJudgment: state.revocation?.byJudgment ?? false,
            },
          }
        : {}),
      receipts: entries.map((entry) => ({
        seq: entry.seq,
        type: entry.type,
        time: entry.time,
        chain,
        receipt: receiptPath(this.ledger, chain, entry.seq),
      })),
      note: 'a receipt proves an entry was in the register as of its anchor; this status is the register’s answer now',
    };
  }

  /** The diploma exists and the operator may act for its institution. */
  private async issuedByOperators(diplomaNumber: string, context: CommandRequest): Promise<Issued> {
    const state = await this.commands.state(diplomaAggregate, diplomaNumber);
    if (state.status === 'none') throw notFound(diplomaNumber);
    assertOwnedBy(context.operator, state.institutionId, 'diplomaNumber', `diploma ${diplomaNumber}`);
    return state;
  }
}
