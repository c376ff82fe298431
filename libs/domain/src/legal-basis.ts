/**
 * The kinds of document a register entry can rest on. One list for every
 * register, so a judge reading a trail across departments meets the same words.
 */
export const LEGAL_DOCUMENT_TYPES = [
  'contract-of-sale',
  'gift',
  'inheritance',
  'court-decision',
  'loan-agreement',
  // A borrower's signed application for credit: the permissible purpose a bank searches the shared creditor
  // register under (#27).
  'credit-application',
  'guarantee',
  'repayment-receipt',
  'consent-letter',
  'easement-agreement',
  'survey',
  'administrative-act',
  'accreditation',
  'academic-decision',
  'prospectus',
  'settlement-instruction',
  // What a grant of access to another department rests on (#27): the law that says the other may read,
  // or the agreement the two signed under it.
  'statute',
  'data-sharing-agreement',
] as const;
export type LegalDocumentType = (typeof LEGAL_DOCUMENT_TYPES)[number];

/** The legal basis of an entry: without it the entry is worthless to a judge. */
export interface LegalBasis {
  documentType: LegalDocumentType;
  /** The document's own reference: contract number, case number, … */
  reference: string;
}

/** The entry of another department a reaction answers: enough to find it and check it. */
export interface Cause {
  chain: string;
  seq: string;
  eventId: string;
  hash: string;
}
