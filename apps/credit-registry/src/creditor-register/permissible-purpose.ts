import { DomainError } from '@registry-bus/domain';

import type { ApplicationState } from '../applications/decide-application.js';
import { CreditErrorCode } from '../pledges/credit-errors.js';

/** What a bank asks the shared creditor register about: a borrower, or an asset (a parcel's cadastral number). */
export type RegisterQuestion = { borrower: string } | { asset: string };

export const describeQuestion = (question: RegisterQuestion) =>
  'borrower' in question ? `borrower ${question.borrower}` : `asset ${question.asset}`;

const refuse = (message: string) =>
  new DomainError(CreditErrorCode.PURPOSE_NOT_PERMISSIBLE, message, 'purpose', 'forbidden');

/**
 * A search of the creditor register needs a permissible purpose: an open
 * credit application of the searching bank that names the borrower or asset
 * asked about. `application` is the state found under the searching bank
 * (another bank's application id finds nothing there), so a refusal says no
 * more than that this bank has no such open application.
 */
export function assertPermissiblePurpose(
  application: ApplicationState,
  bankId: string,
  purpose: string,
  question: RegisterQuestion,
): void {
  if (application.status === 'none' || application.bankId !== bankId)
    throw refuse(`${purpose} is not a credit application of ${bankId}`);
  if (application.status === 'closed')
    throw refuse(`credit application ${purpose} of ${bankId} was closed at ${application.closedAt}`);
  if ('borrower' in question && application.borrower !== question.borrower)
    throw refuse(`credit application ${purpose} of ${bankId} does not name ${describeQuestion(question)}`);
  if ('asset' in question && !application.assets.includes(question.asset))
    throw refuse(`credit application ${purpose} of ${bankId} does not name ${describeQuestion(question)}`);
}
