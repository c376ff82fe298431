import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { entriesWithFields, type EntryWithFields } from '@registry-bus/ledger';
import {
  AUDIT_LOG,
  COMMANDS,
  CommandRunner,
  CurrentOperator,
  DEPARTMENT_RUNTIME,
  ProblemError,
  Roles,
  type AuditLog,
  type DepartmentContext,
  type Operator,
} from '@registry-bus/kit';
import type { z } from 'zod';

import { applicationAggregate, applicationSubject } from '../applications/application-aggregate.js';
import { creditorRegisterQuery } from '../credit-requests.js';
import { parcelPledgesAggregate } from '../pledges/pledge-aggregate.js';
import { assertPermissiblePurpose, describeQuestion, type RegisterQuestion } from './permissible-purpose.js';
import {
  OTHER_BANKS_FIELDS,
  pledgesInForce,
  registerAnswer,
  searchAuditDetail,
  type RegisterPledge,
} from './register-answer.js';

const ROUTE = '/v1/creditor-register/pledges';

/** The first entry's data of each value of `key` (the entry that created what the key names). */
function firstByKey(entries: readonly EntryWithFields[], key: string): Map<string, EntryWithFields> {
  const found = new Map<string, EntryWithFields>();
  for (const entry of entries) {
    const value = entry.fields?.[key];
    if (typeof value === 'string' && !found.has(value)) found.set(value, entry);
  }
  return found;
}

/**
 * The shared creditor register the seed describes: one bank asks which
 * pledges encumber a borrower or an asset at every bank — the one exception
 * to the scope rule (#27). Another bank's pledge is answered only as its
 * existence, asset, amount band, rank and date; a search needs a permissible
 * purpose (an open credit application of the asking bank naming what is
 * asked), and goes on the audit record, purpose included, before the answer
 * leaves.
 */
@ApiTags('creditor register')
@ApiBearerAuth()
@Controller('v1/creditor-register')
export class CreditorRegisterController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandRunner,
    @Inject(DEPARTMENT_RUNTIME) private readonly runtime: Pick<DepartmentContext, 'dataSource'>,
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
  ) {}

  @Get('pledges')
  @Roles('clerk')
  @ApiOperation({
    summary:
      "Every bank's pledges in force on a borrower or an asset, for an open credit application of the caller's bank: " +
      "another bank's as {exists, asset, amountBand, rank, date} only; audited with its purpose",
  })
  async pledges(
    @Query({ schema: creditorRegisterQuery }) query: z.infer<typeof creditorRegisterQuery>,
    @CurrentOperator() operator: Operator,
  ) {
    const bankId = operator.scope;
    // The purpose is a bank's application: staff who act for no bank have the full pledge routes instead.
    if (bankId === null)
      throw new ProblemError(
        403,
        'AUTH.OUT_OF_SCOPE',
        'Not allowed',
        `${operator.operator} acts for no bank; the creditor register is searched for a bank's own credit application`,
        [{ field: 'purpose', reason: "must be an open credit application of the operator's bank" }],
      );
    const question: RegisterQuestion =
      query.borrower !== undefined ? { borrower: query.borrower } : { asset: query.asset! };
    const application = await this.commands.state(applicationAggregate, applicationSubject(bankId, query.purpose));
    assertPermissiblePurpose(application, bankId, query.purpose, question);

    const answers =
      'asset' in question
        ? registerAnswer(await this.pledgesOn([question.asset]), bankId)
        : registerAnswer(
            await this.pledgesOn(await this.parcelsOfBorrower(question.borrower)),
            bankId,
            (pledge) => pledge.loan?.borrower === question.borrower,
          );
    try {
      await this.audit.record({
        kind: 'read',
        operator: operator.operator,
        role: operator.role,
        method: 'GET',
        route: ROUTE,
        subject: 'asset' in question ? question.asset : question.borrower,
        fields: answers.length > 0 ? [...OTHER_BANKS_FIELDS].sort() : [],
        status: 200,
        detail: searchAuditDetail(
          `credit application ${query.purpose} of ${bankId}`,
          describeQuestion(question),
          answers,
        ),
      });
    } catch {
      throw new ProblemError(
        503,
        'AUDIT.UNAVAILABLE',
        'Audit unavailable',
        'the search could not be put on the audit record, so it is not answered; retry shortly',
      );
    }
    return { purpose: query.purpose, asked: question, pledges: answers };
  }

  /** The parcels pledged for loans to the borrower, at any bank (from the ledger's loan and pledge entries). */
  private async parcelsOfBorrower(borrower: string): Promise<string[]> {
    const db = this.runtime.dataSource;
    const loans = await entriesWithFields(db, {
      department: 'credit',
      type: 'gov.credit.loan.granted.v1',
      fields: { borrower },
    });
    const parcels = new Set<string>();
    for (const loan of loans) {
      const { bankId, loanId } = loan.fields as { bankId: string; loanId: string };
      const requests = await entriesWithFields(db, {
        department: 'credit',
        type: 'gov.credit.pledge.requested.v1',
        fields: { bankId, loanId },
      });
      for (const request of requests) parcels.add((request.fields as { cadastralNumber: string }).cadastralNumber);
    }
    return [...parcels];
  }

  /**
   * The pledges in force on these parcels, as the parcel's decider state has
   * them (held to the ledger), with their loans and activations read from
   * the ledger's own entries.
   */
  private async pledgesOn(assets: readonly string[]): Promise<RegisterPledge[]> {
    const db = this.runtime.dataSource;
    const pledges: RegisterPledge[] = [];
    for (const asset of assets) {
      const inForce = pledgesInForce(await this.commands.state(parcelPledgesAggregate, asset));
      if (inForce.length === 0) continue;
      const ofParcel = (type: string) =>
        entriesWithFields(db, { department: 'credit', type, fields: { cadastralNumber: asset } });
      const requests = firstByKey(await ofParcel('gov.credit.pledge.requested.v1'), 'pledgeId');
      const activations = firstByKey(await ofParcel('gov.credit.pledge.activated.v1'), 'pledgeId');
      for (const pledge of inForce) {
        const loanId = requests.get(pledge.pledgeId)?.fields?.loanId;
        const [loan] =
          typeof loanId === 'string'
            ? await entriesWithFields(
                db,
                { department: 'credit', type: 'gov.credit.loan.granted.v1', fields: { bankId: pledge.bankId, loanId } },
                { limit: 1 },
              )
            : [];
        const loanFields = loan?.fields as { borrower?: string; amount?: string; currency?: string } | null | undefined;
        const activation = activations.get(pledge.pledgeId);
        pledges.push({
          pledgeId: pledge.pledgeId,
          bankId: pledge.bankId,
          asset,
          loan:
            loanFields?.borrower && loanFields.amount && loanFields.currency
              ? { borrower: loanFields.borrower, amount: loanFields.amount, currency: loanFields.currency }
              : null,
          activation: activation ? { seq: activation.seq, time: activation.time } : null,
        });
      }
    }
    return pledges;
  }
}
