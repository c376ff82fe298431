import { ConsumerCode, type QuarantineNotice } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';

import type { DepartmentMetrics } from '../../../metrics/department-metrics.js';

import type { AlarmWriter } from './alarm-writer.js';

/**
 * Someone rewrote or forged history (an equivocation: two signed entries at
 * one seq) or left a gap: an alarm entry of this department's own ledger,
 * once per chain, seq and code, beside the loud log and the metric.
 */
export async function alarmOnQuarantine(alarms: AlarmWriter, notice: QuarantineNotice, logger: Logger): Promise<void> {
  const chain = notice.chain ?? 'unknown';
  try {
    await alarms.raise(
      {
        kind: notice.failure.code === ConsumerCode.EQUIVOCATION ? 'equivocation' : 'gap',
        chain,
        ...(notice.seq !== undefined ? { seq: String(notice.seq) } : {}),
        detail: notice.failure.reason,
      },
      { actor: 'system:consumer', idempotencyKey: `alarm:${chain}:${notice.seq ?? '?'}:${notice.failure.code}` },
    );
  } catch (error) {
    logger.error({ err: error, chain }, 'could not record the alarm entry');
  }
}

/** A record the pipeline quarantined: counted, logged (loudly when it is an alarm), and an alarm entry when it is one. */
export function reportQuarantine(
  metrics: Pick<DepartmentMetrics, 'quarantinedNow'>,
  alarms: AlarmWriter,
  logger: Logger,
): (notice: QuarantineNotice) => void {
  return (notice) => {
    metrics.quarantinedNow.inc({ code: notice.failure.code });
    if (notice.alarm) void alarmOnQuarantine(alarms, notice, logger);
    logger[notice.alarm ? 'error' : 'warn'](
      { code: notice.failure.code, chain: notice.chain, seq: notice.seq, alarm: notice.alarm },
      `quarantined: ${notice.failure.reason}`,
    );
  };
}
