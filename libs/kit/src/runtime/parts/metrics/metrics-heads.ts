import type { LedgerReader } from '@registry-bus/ledger';

import type { DepartmentMetrics } from '../../../metrics/department-metrics.js';

/** The metrics of each chain start at its head (a restarted department does not count its entries again). */
export async function metricsFromHeads(
  metrics: Pick<DepartmentMetrics, 'startFrom'>,
  ledger: { chains: readonly string[]; reader: Pick<LedgerReader, 'head'> },
): Promise<void> {
  for (const chain of ledger.chains) metrics.startFrom(chain, (await ledger.reader.head(chain))?.seq ?? 0);
}
