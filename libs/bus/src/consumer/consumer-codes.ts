/** Stable codes of consumer-side failures (protocol failures keep their PROTOCOL.* codes). */
export const ConsumerCode = {
  WRONG_SOURCE: 'CONSUMER.WRONG_SOURCE',
  EQUIVOCATION: 'CONSUMER.EQUIVOCATION',
  GAP_UNFILLED: 'CONSUMER.GAP_UNFILLED',
  DUPLICATE_EVENT_ID: 'CONSUMER.DUPLICATE_EVENT_ID',
  ACCESS_DENIED: 'CONSUMER.ACCESS_DENIED',
  HANDLER_FAILED: 'CONSUMER.HANDLER_FAILED',
  UNDECODABLE: 'CONSUMER.UNDECODABLE',
} as const;
export type ConsumerCode = (typeof ConsumerCode)[keyof typeof ConsumerCode];

/**
 * Codes that mean someone rewrote or forged history: loud, never skipped
 * silently. Only what signed entries prove: a gap the owner did not fill is
 * an owner away or a path that drops answers (no signature says anything
 * was removed), so it holds the chain and is retried, not an alarm.
 */
export const ALARM_CODES = new Set<string>([ConsumerCode.EQUIVOCATION]);

export function codedFailure(error: unknown, fallbackCode: string): { code: string; reason: string } {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string'
  ) {
    const code = (error as { code: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    return { code, reason: message };
  }
  return { code: fallbackCode, reason: error instanceof Error ? error.message : String(error) };
}
