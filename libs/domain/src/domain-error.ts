/**
 * A rule of a register said no. `code` is stable (`LAND.PARCEL_PLEDGED`),
 * `field` names the input that was wrong when one was, and the message says
 * why in words a clerk can act on. The HTTP layer maps it to RFC 9457
 * problem+json (409 for a conflict with the register's state, 403 for an act
 * that is another party's to make, 422 for input
 * the rules refuse), consumers to a quarantine reason.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly kind: 'conflict' | 'invalid' | 'not-found' | 'forbidden' = 'conflict',
  ) {
    super(message);
  }
}

/** Ends every exhaustive switch: the compiler proves each case is handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
