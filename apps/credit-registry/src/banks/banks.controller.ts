import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@registry-bus/domain';
import { entriesWithFields } from '@registry-bus/ledger';
import {
  COMMANDS,
  CommandContext,
  CurrentOperator,
  DEPARTMENT_RUNTIME,
  CommandRoute,
  CommandRunner,
  PersonalData,
  Readers,
  assertActsFor,
  commandAnswer,
  type CommandRequest,
  type DepartmentContext,
  type Operator,
} from '@registry-bus/kit';
import type { Response } from 'express';
import type { z } from 'zod';

import { bankParams, grantLoanRequest, registerBankRequest } from '../credit-requests.js';
import { CreditErrorCode } from '../pledges/credit-errors.js';
import { bankAggregate } from './bank-aggregate.js';

@ApiTags('banks')
@ApiBearerAuth()
@Controller('v1/banks')
export class BanksController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(DEPARTMENT_RUNTIME) private readonly runtime: Pick<DepartmentContext, 'dataSource' | 'ledger'>,
  ) {}

  @Post()
  @CommandRoute('admin')
  @ApiOperation({ summary: 'Register a bank as a lender (registry admins only)' })
  async register(
    @Body({ schema: registerBankRequest }) body: z.infer<typeof registerBankRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    return commandAnswer(
      await this.commands.run(bankAggregate, body.bankId, { kind: 'register-bank', ...body }, context),
      response,
    );
  }

  @Post(':bankId/loans')
  @CommandRoute()
  @ApiOperation({ summary: 'Record a loan or guarantee of this bank' })
  async grantLoan(
    @Param({ schema: bankParams }) params: z.infer<typeof bankParams>,
    @Body({ schema: grantLoanRequest }) body: z.infer<typeof grantLoanRequest>,
    @CommandContext() context: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertActsFor(context.operator, params.bankId, 'bankId');
    const { kind, ...rest } = body;
    return commandAnswer(
      await this.commands.run(
        bankAggregate,
        params.bankId,
        { kind: 'grant-loan', bankId: params.bankId, loanKind: kind, ...rest },
        context,
      ),
      response,
    );
  }

  @Get(':bankId')
  @Readers()
  @PersonalData({ subjectParam: 'bankId', fields: ['borrower', 'amount', 'currency'] })
  @ApiOperation({ summary: 'A bank and its loans' })
  async bank(@Param({ schema: bankParams }) params: z.infer<typeof bankParams>, @CurrentOperator() operator: Operator) {
    assertActsFor(operator, params.bankId, 'bankId');
    const state = await this.commands.state(bankAggregate, params.bankId);
    if (state.status !== 'registered') {
      throw new DomainError(
        CreditErrorCode.BANK_NOT_FOUND,
        `${params.bankId} is not a registered lender`,
        'bankId',
        'not-found',
      );
    }
    return state;
  }

  @Get(':bankId/bond-holdings')
  @Readers()
  @PersonalData({ subjectParam: 'bankId', fields: ['investor', 'quantity'] })
  @ApiOperation({ summary: "What this bank's investors hold in settled bond issues (noted from the bond register)" })
  async bondHoldings(
    @Param({ schema: bankParams }) params: z.infer<typeof bankParams>,
    @CurrentOperator() operator: Operator,
  ) {
    assertActsFor(operator, params.bankId, 'bankId');
    // Every chain of the ledger: a holding's subject is `bank:isin`, so a sharded ledger (LEDGER_SHARDS > 1)
    // spreads one bank's holdings over its shards; seq is per chain, so each holding names its chain too.
    const entries = await entriesWithFields(this.runtime.dataSource, {
      chains: this.runtime.ledger.chains,
      type: 'gov.credit.bond-holding.noted.v1',
      fields: { bankId: params.bankId },
    });
    return {
      bankId: params.bankId,
      holdings: entries.map((entry) => ({ seq: entry.seq, chain: entry.chain, ...entry.fields })),
    };
  }
}
