import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type BenchReport } from './report.js';

/**
 * Cold start of every action bundle beside `node -e 0`, in the same clean environment: only PATH,
 * so nothing like NODE_EXTRA_CA_CERTS (tens of ms per start) or INPUT_* skews either side. Without
 * inputs an action stops at its first required input, which is exactly its start-up cost.
 */
const RUNS = 21;
const MAX_RATIO = 1.5;

function timeOnce(args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: 'ignore',
  });
  const elapsed = performance.now() - started;
  if (result.error) throw result.error;
  return elapsed;
}

export default async function coldStart(report: BenchReport): Promise<void> {
  const dist = path.resolve('dist');
  const bundles = readdirSync(dist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'cli')
    .map((entry) => entry.name)
    .filter((name) => existsSync(path.join(dist, name, 'index.js')))
    .sort();
  if (bundles.length === 0) {
    process.stdout.write('no action bundles in dist/ yet (npm run build)\n');
    return;
  }
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'cold-start-'));
  try {
    const commands: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ...bundles.map((name): [string, string[]] => [name, [path.join(dist, name, 'index.js')]]),
    ];
    const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
    // One unmeasured round warms the page cache; then the rounds interleave all commands, so a
    // slow moment of the machine touches every command alike.
    for (const [, args] of commands) timeOnce(args, cwd);
    for (let round = 0; round < RUNS; round++) {
      for (const [name, args] of commands) times.get(name)!.push(timeOnce(args, cwd));
    }
    const reference = median(times.get('node -e 0')!);
    for (const name of bundles) {
      report.add({
        name: `cold start ${name} (median of ${RUNS})`,
        ours: median(times.get(name)!),
        reference,
        referenceName: 'node -e 0',
        unit: 'ms',
        maxRatio: MAX_RATIO,
      });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
