/** Stable codes of ledger failures; transports map them (HTTP problem+json, quarantine reasons). */
export const LedgerErrorCode = {
  IDEMPOTENCY_CONFLICT: 'LEDGER.IDEMPOTENCY_CONFLICT',
  EMPTY_DECISION: 'LEDGER.EMPTY_DECISION',
  UNAVAILABLE: 'LEDGER.UNAVAILABLE',
  CLOSED: 'LEDGER.CLOSED',
  NOT_FOUND: 'LEDGER.NOT_FOUND',
  /** A request that cannot be answered as asked (a sharded ledger asked without naming its chain). */
  INVALID: 'LEDGER.INVALID',
} as const;
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
