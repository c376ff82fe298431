import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import {
  COMMANDS,
  CommandContext,
  CommandRoute,
  CommandRunner,
  CurrentOperator,
  DEPARTMENT_RUNTIME,
  type Operator,
  type DepartmentContext,
  PersonalData,
  Readers,
  assertActsFor,
  assertOwnedBy,
  commandAnswer,
  seesEveryOwner,
  type CommandRequest,
} from '@registry-bus/kit';
import type { Response } from 'express';
import type { z } from 'zod';

import { bankAggregate } from '../banks/bank-aggregate.js';
import {
  consentRequest,
  parcelParams,
  pledgeParams,
  releaseRequest,
  requestPledgeRequest,
} from '../credit-requests.js';
import { CreditErrorCode } from './credit-errors.js';
import { parcelPledgesAggregate } from './pledge-aggregate.js';

interface PledgeRow {
  pledge_id: string;
  cadastral_number: string;
  bank_id: string;
  status: string;
}

@ApiTags('pledges')
@ApiBearerAuth()
@Controller('v1')
export class PledgesController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(DEPARTMENT_RUNTIME) private readonly runtime: Pick<DepartmentContext, 'dataSource'>,
  ) {}

  @Post('pledges')
  @CommandRoute()
  @ApiOperation({
    summary: 'Request a pledge of a land parcel; it becomes active when the land register records it',
  })
  async request(
    @Body({ schema: requestPledgeRequest }) body: z.infer<typeof requestPledgeRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertActsFor(context.operator, body.bankId, 'bankId');
    // Loans are written once and never change hands: checking before the parcel's turn is safe.
    const bank = await this.commands.state(bankAggregate, body.bankId);
    if (bank.status !== 'registered') {
      throw new DomainError(
        CreditErrorCode.BANK_NOT_FOUND,
        `${body.bankId} is not a registered lender`,
        'bankId',
        'not-found',
      );
    }
    if (!bank.loans.some((loan) => loan.loanId === body.loanId)) {
      throw new DomainError(
        CreditErrorCode.LOAN_NOT_FOUND,
        `${body.bankId} has no loan ${body.loanId}`,
        'loanId',
        'not-found',
      );
    }
    return commandAnswer(
      await this.commands.run(
        parcelPledgesAggregate,
        body.cadastralNumber,
        { kind: 'request-pledge', ...body },
        context,
      ),
      response,
    );
  }

  @Post('pledges/:pledgeId/consents')
  @CommandRoute()
  @ApiOperation({ summary: "The pledgee's consent to a second pledge or to a transfer of the parcel" })
  async consent(
    @Param({ schema: pledgeParams }) params: z.infer<typeof pledgeParams>,
    @Body({ schema: consentRequest }) body: z.infer<typeof consentRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const pledge = await this.pledge(params.pledgeId);
    assertOwnedBy(context.operator, pledge.bank_id, 'pledgeId', `pledge ${pledge.pledge_id}`);
    return commandAnswer(
      await this.commands.run(
        parcelPledgesAggregate,
        pledge.cadastral_number,
        {
          kind: 'give-consent',
          pledgeId: params.pledgeId,
          cadastralNumber: pledge.cadastral_number,
          bankId: pledge.bank_id,
          ...body,
        },
        context,
      ),
      response,
    );
  }

  @Post('pledges/:pledgeId/release')
  @CommandRoute()
  @ApiOperation({ summary: 'Release a pledge (the loan is repaid); the land register lifts the encumbrance' })
  async release(
    @Param({ schema: pledgeParams }) params: z.infer<typeof pledgeParams>,
    @Body({ schema: releaseRequest }) body: z.infer<typeof releaseRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const pledge = await this.pledge(params.pledgeId);
    assertOwnedBy(context.operator, pledge.bank_id, 'pledgeId', `pledge ${pledge.pledge_id}`);
    return commandAnswer(
      await this.commands.run(
        parcelPledgesAggregate,
        pledge.cadastral_number,
        {
          kind: 'request-release',
          pledgeId: params.pledgeId,
          cadastralNumber: pledge.cadastral_number,
          bankId: pledge.bank_id,
          basis: body.basis,
        },
        context,
      ),
      response,
    );
  }

  @Get('pledges/:pledgeId')
  @Readers()
  @PersonalData({ subjectParam: 'pledgeId', fields: ['pledgor'] })
  @ApiOperation({ summary: 'A pledge: its parcel, bank and status' })
  async pledgeOf(
    @Param({ schema: pledgeParams }) params: z.infer<typeof pledgeParams>,
    @CurrentOperator() operator: Operator,
  ) {
    const row = await this.pledge(params.pledgeId);
    assertOwnedBy(operator, row.bank_id, 'pledgeId', `pledge ${params.pledgeId}`);
    const state = await this.commands.state(parcelPledgesAggregate, row.cadastral_number);
    return { cadastralNumber: row.cadastral_number, ...state.pledges.find((p) => p.pledgeId === params.pledgeId) };
  }

  @Get('parcels/:cadastralNumber/pledges')
  @Readers()
  @PersonalData({ subjectParam: 'cadastralNumber', fields: ['pledgor'] })
  @ApiOperation({
    summary: "Every pledge of a parcel (a bank's clerk: its bank's only), and whether a court banned new ones",
  })
  async parcelPledges(
    @Param({ schema: parcelParams }) params: z.infer<typeof parcelParams>,
    @CurrentOperator() operator: Operator,
  ) {
    const state = await this.commands.state(parcelPledgesAggregate, params.cadastralNumber);
    if (seesEveryOwner(operator)) return state;
    // Another bank's pledges (pledgor, consents) are its own business: the shared creditor register is another route.
    return { ...state, pledges: state.pledges.filter((pledge) => pledge.bankId === operator.scope) };
  }

  private async pledge(pledgeId: string): Promise<PledgeRow> {
    const rows: PledgeRow[] = await this.runtime.dataSource.query(
      'SELECT pledge_id, cadastral_number, bank_id, status FROM credit_pledge WHERE pledge_id = $1',
      [pledgeId],
    );
    if (!rows[0]) {
      throw new DomainError(
        CreditErrorCode.PLEDGE_NOT_FOUND,
        `there is no pledge ${pledgeId}`,
        'pledgeId',
        'not-found',
      );
    }
    return rows[0];
  }
}
