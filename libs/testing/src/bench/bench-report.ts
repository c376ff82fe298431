import { cpus, totalmem } from 'node:os';

/** One measured figure. `ratio` is this figure over its baseline's (both as rates). */
export interface BenchRow {
  name: string;
  operations: number;
  seconds: number;
  perSecond: number;
  /** Name of the baseline row this row is compared with. */
  baseline?: string;
  ratio?: number;
  note?: string;
}

export interface BenchReport {
  bench: string;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  rows: BenchRow[];
  /** Other figures that are not rates (latencies, counts). */
  extra?: Record<string, unknown>;
}

export function machineInfo(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Times `work`, which performs `operations` operations, and returns the row. */
export async function measure(name: string, operations: number, work: () => unknown): Promise<BenchRow> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, operations, seconds, perSecond: operations / seconds };
}

/** Marks `row` as compared with `baseline` (ratio = row rate / baseline rate). */
export function compare(row: BenchRow, baseline: BenchRow): BenchRow {
  return { ...row, baseline: baseline.name, ratio: row.perSecond / baseline.perSecond };
}

const number = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3));

/** A fixed-width table for people, then one JSON line for machines. */
export function formatReport(report: BenchReport): string {
  const header = ['benchmark', 'ops', 'seconds', 'ops/s', 'vs baseline', 'ratio'];
  const lines = report.rows.map((row) => [
    row.name,
    number(row.operations),
    row.seconds.toFixed(3),
    number(row.perSecond),
    row.baseline ?? '',
    row.ratio === undefined ? '' : `${(row.ratio * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const { machine } = report;
  return [
    `# ${report.bench} — ${report.date} — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...lines.map(render),
    ...(report.extra ? Object.entries(report.extra).map(([key, value]) => `${key}: ${JSON.stringify(value)}`) : []),
    '',
    `JSON ${JSON.stringify(report)}`,
  ].join('\n');
}
