// `npm run bench -- <name> [args]`: runs libs/*/bench/<name>.bench.ts,
// apps/*/bench/<name>.bench.ts or test/bench/<name>.bench.ts, prints its table and JSON, and keeps the JSON
// under .local/bench/ so docs/BENCHMARKS.md can be refreshed from it.
import { mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { formatReport, machineInfo, type BenchReport } from '@registry-bus/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function findBenches(): Map<string, string> {
  const benches = new Map<string, string>();
  // test/bench: benchmarks of the whole stack (the end-to-end one starts the apps as the e2e tests do).
  const wholeStack = join(root, 'test', 'bench');
  if (existsSync(wholeStack))
    for (const file of readdirSync(wholeStack).filter((name) => name.endsWith('.bench.ts')))
      benches.set(file.replace(/\.bench\.ts$/, ''), join(wholeStack, file));
  for (const area of ['libs', 'apps']) {
    for (const unit of readdirSync(join(root, area))) {
      const folder = join(root, area, unit, 'bench');
      if (!existsSync(folder)) continue;
      for (const file of readdirSync(folder).filter((name) => name.endsWith('.bench.ts'))) {
        benches.set(file.replace(/\.bench\.ts$/, ''), join(folder, file));
      }
    }
  }
  return benches;
}

/** A bench module's default export: runs and returns its rows (and extra figures). */
export type Bench = (args: string[]) => Promise<Pick<BenchReport, 'rows' | 'extra'>>;

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const benches = findBenches();
  const file = name ? benches.get(name) : undefined;
  if (!file) {
    console.error(
      `usage: npm run bench -- <name>\nknown benchmarks: ${[...benches.keys()].sort().join(', ') || 'none yet'}`,
    );
    process.exitCode = 2;
    return;
  }
  const module = (await import(pathToFileURL(file).href)) as { default: Bench };
  const result = await module.default(args);
  const report: BenchReport = { bench: name!, date: new Date().toISOString(), machine: machineInfo(), ...result };
  console.log(formatReport(report));
  const out = join(root, '.local', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

await main();
