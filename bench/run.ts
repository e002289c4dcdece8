import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BenchReport, type Benchmark } from './report.js';

// `npm run bench [name...]` runs bench/<name>.bench.ts (all of them by default) in one process,
// prints ours beside the reference for every measure, and exits 1 when a bound is broken.
const only = process.argv.slice(2);
const dir = path.resolve('bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
const report = new BenchReport();
for (const file of files) {
  process.stdout.write(`\n## ${file.replace(/\.bench\.ts$/, '')}\n`);
  const name = file.replace(/\.bench\.ts$/, '');
  // A template-literal import: esbuild bundles every bench/*.bench.ts it can match.
  const module = (await import(`./${name}.bench.ts`)) as { default: Benchmark };
  await module.default(report);
}
const failures = report.failures();
if (failures.length > 0) {
  process.stdout.write(
    `\n${failures.length} measure(s) out of bounds: ${failures.map((f) => f.name).join(', ')}\n`,
  );
  process.exitCode = 1;
}
