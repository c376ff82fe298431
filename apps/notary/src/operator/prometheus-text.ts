/** One sample of the Prometheus text exposition format. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Reads the samples of a Prometheus text page (format 0.0.4, what
 * prom-client writes): the operator view reads each department's /metrics
 * as Prometheus would, so it needs no endpoint of its own in the apps.
 * Comments and lines it cannot read are skipped, never guessed.
 */
export function parsePrometheusText(text: string): MetricPage {
  const samples: MetricSample[] = [];
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /.exec(line);
    if (type) declared.add(type[1]!);
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line.trim());
    if (!match) continue;
    const value = Number(match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : match[3]);
    if (Number.isNaN(value) && match[3] !== 'NaN') continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) {
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({ name: match[1]!, labels, value });
  }
  return { samples, declared };
}

/** A scraped page: its samples, and the metrics it declares (a labelled gauge with no series yet declares itself only). */
export interface MetricPage {
  samples: MetricSample[];
  declared: ReadonlySet<string>;
}

/**
 * The sum of every sample of `name` (all label sets): 0 when the page
 * declares the metric without a series (nothing quarantined, no alarm),
 * undefined when the page does not know the metric at all.
 */
export function sumOf(page: MetricPage, name: string): number | undefined {
  const matching = page.samples.filter((sample) => sample.name === name);
  if (matching.length === 0) return page.declared.has(name) ? 0 : undefined;
  return matching.reduce((total, sample) => total + sample.value, 0);
}

/** The largest sample of `name` (an age over the chains of a sharded ledger): like sumOf for the absent cases. */
export function maxOf(page: MetricPage, name: string): number | undefined {
  const matching = page.samples.filter((sample) => sample.name === name);
  if (matching.length === 0) return page.declared.has(name) ? 0 : undefined;
  return Math.max(...matching.map((sample) => sample.value));
}
