import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  LEDGER,
  PersonalData,
  Readers,
  commandAnswer,
  type CommandRequest,
} from '@registry-bus/kit';
import type { Ledger } from '@registry-bus/ledger';
import { envelopeFromStored, parseDisclosure, parseStrictJsonBytes } from '@registry-bus/protocol';
import type { Response } from 'express';
import type { z } from 'zod';

import { LandErrorCode } from './land-errors.js';
import { parcelAggregate } from './parcel-aggregate.js';
import {
  addEncumbranceRequest,
  encumbranceParams,
  liftEncumbranceRequest,
  parcelParams,
  registerParcelRequest,
  transferRequest,
} from './parcel-requests.js';

type Params = z.infer<typeof parcelParams>;

/** The land register's REST surface: clerks record, every operator of the department reads. */
@ApiTags('parcels')
@ApiBearerAuth()
@Controller('v1/parcels')
export class ParcelsController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(LEDGER) private readonly ledger: Ledger,
  ) {}

  @Post()
  @CommandRoute()
  @ApiOperation({ summary: 'Register a parcel with its owners' })
  async register(
    @Body({ schema: registerParcelRequest }) body: z.infer<typeof registerParcelRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.run(
      parcelAggregate,
      body.cadastralNumber,
      { kind: 'register-parcel', ...body },
      context,
    );
    return commandAnswer(outcome, response);
  }

  @Post(':cadastralNumber/transfers')
  @CommandRoute()
  @ApiOperation({ summary: 'Transfer the parcel or a share of it (refused while seized, or pledged without consent)' })
  async transfer(
    @Param({ schema: parcelParams }) params: Params,
    @Body({ schema: transferRequest }) body: z.infer<typeof transferRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.run(
      parcelAggregate,
      params.cadastralNumber,
      { kind: 'transfer-ownership', cadastralNumber: params.cadastralNumber, ...body },
      context,
    );
    return commandAnswer(outcome, response);
  }

  @Post(':cadastralNumber/encumbrances')
  @CommandRoute()
  @ApiOperation({
    summary:
      "Add an easement (a seizure is recorded only on a court's order, a pledge only on the credit registry's request: 403 LAND.ENCUMBRANCE_NEEDS_ORDER)",
  })
  async addEncumbrance(
    @Param({ schema: parcelParams }) params: Params,
    @Body({ schema: addEncumbranceRequest }) body: z.infer<typeof addEncumbranceRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.run(
      parcelAggregate,
      params.cadastralNumber,
      {
        kind: 'add-encumbrance',
        cadastralNumber: params.cadastralNumber,
        encumbranceId: body.encumbranceId,
        encumbranceKind: body.kind,
        holder: body.holder,
        basis: body.basis,
      },
      context,
    );
    return commandAnswer(outcome, response);
  }

  @Post(':cadastralNumber/encumbrances/:encumbranceId/lift')
  @CommandRoute()
  @ApiOperation({
    summary:
      "Lift an easement a land clerk recorded (a pledge is lifted by the credit registry's release, a seizure by the court's release order: 403 LAND.NOT_THE_CREATOR)",
  })
  async lift(
    @Param({ schema: encumbranceParams }) params: z.infer<typeof encumbranceParams>,
    @Body({ schema: liftEncumbranceRequest }) body: z.infer<typeof liftEncumbranceRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.run(
      parcelAggregate,
      params.cadastralNumber,
      { kind: 'lift-encumbrance', ...params, basis: body.basis },
      context,
    );
    return commandAnswer(outcome, response);
  }

  @Get(':cadastralNumber')
  @Readers()
  @PersonalData({ subjectParam: 'cadastralNumber', fields: ['owners'] })
  @ApiOperation({ summary: 'A parcel with its current owners and encumbrances' })
  async parcel(@Param({ schema: parcelParams }) params: Params) {
    const state = await this.commands.state(parcelAggregate, params.cadastralNumber);
    if (state.status !== 'registered') {
      throw new DomainError(
        LandErrorCode.PARCEL_NOT_FOUND,
        `parcel ${params.cadastralNumber} is not in the register`,
        'cadastralNumber',
        'not-found',
      );
    }
    return state;
  }

  @Get(':cadastralNumber/history')
  @Readers()
  @PersonalData({ subjectParam: 'cadastralNumber', fields: ['owners', 'from', 'to'] })
  @ApiOperation({ summary: 'Every ledger entry about the parcel, with its basis, oldest first' })
  async history(@Param({ schema: parcelParams }) params: Params) {
    const entries = await this.ledger.reader.entriesOfSubject(
      this.ledger.chainFor(params.cadastralNumber),
      params.cadastralNumber,
    );
    if (entries.length === 0) {
      throw new DomainError(
        LandErrorCode.PARCEL_NOT_FOUND,
        `parcel ${params.cadastralNumber} has no entries`,
        'cadastralNumber',
        'not-found',
      );
    }
    return {
      cadastralNumber: params.cadastralNumber,
      entries: entries.map((entry) => {
        const envelope = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
        return {
          seq: entry.seq,
          type: envelope.type,
          time: envelope.time,
          actor: envelope.actor,
          hash: envelope.hash,
          data: entry.disclosure
            ? parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure')).fields
            : null,
        };
      }),
    };
  }
}
