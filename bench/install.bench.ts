import { TOOL_NAMES, install } from '@release-actions/tools';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAsset, DownloadServer, serveAssets } from '../test/harness/download-server.js';
import { median, type BenchReport } from './report.js';

/**
 * Tool install over loopback: a ~50 MB release archive installed cold (download, hash, verify,
 * unpack, cache) and warm (from the tool cache), beside `curl -s URL | sha256sum` of the same
 * file; and the setup bundle installing all five tools from a warm cache beside `node -e 0`.
 */
const RUNS = 5;
const START_RUNS = 15;
const SIZE = 50 * 1024 * 1024;

/** `curl -s URL | sha256sum`, the two processes joined by a pipe in Node (no shell). */
async function curlSha256(url: string): Promise<number> {
  const started = performance.now();
  const curl = spawn('curl', ['-s', '--fail', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sum = spawn('sha256sum', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  curl.stdout.pipe(sum.stdin);
  let out = '';
  sum.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const codes = await Promise.all([
    new Promise<number | null>((resolve) => curl.on('close', resolve)),
    new Promise<number | null>((resolve) => sum.on('close', resolve)),
  ]);
  if (codes.some((c) => c !== 0) || !/^[0-9a-f]{64}/.test(out))
    throw new Error(`curl | sha256sum failed: ${codes.join(', ')}`);
  return performance.now() - started;
}

/** Async, so that this process's loopback server can answer while the child runs. */
async function startTime(args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${output}`);
  return elapsed;
}

export default async function installBench(report: BenchReport): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'install-bench-'));
  const server = await DownloadServer.start();
  const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP };
  try {
    const platform = `${process.platform}-${process.arch}`;
    const big = buildAsset('syft', 'v0.0.50', platform, { extra: { 'blob.bin': randomBytes(SIZE) } });
    const url = `${server.url}/anchore/syft/releases/download/v0.0.50/${big.file}`;
    server.put(url, big.body);
    const size = `${(big.body.length / 1024 / 1024).toFixed(0)} MB`;

    const reference: number[] = [];
    await curlSha256(url);
    for (let i = 0; i < RUNS; i++) reference.push(await curlSha256(url));

    const temp = path.join(scratch, 'temp');
    mkdirSync(temp);
    process.env.RUNNER_TEMP = temp;
    const options = { version: 'v0.0.50', sha256: big.sha256, mirror: server.url };
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      process.env.RUNNER_TOOL_CACHE = path.join(scratch, `cache-${i}`);
      let started = performance.now();
      const first = await install('syft', options);
      cold.push(performance.now() - started);
      started = performance.now();
      const second = await install('syft', options);
      warm.push(performance.now() - started);
      if (first.source !== 'download' || second.source !== 'cache')
        throw new Error('unexpected install sources');
    }
    const curlMedian = median(reference);
    report.add({
      name: `install ${size} archive, cold (median of ${RUNS})`,
      ours: median(cold),
      reference: curlMedian,
      referenceName: 'curl | sha256sum',
      unit: 'ms',
      maxRatio: 3,
    });
    report.add({
      name: `install ${size} archive, warm (median of ${RUNS})`,
      ours: median(warm),
      reference: curlMedian,
      referenceName: 'curl | sha256sum',
      unit: 'ms',
      maxRatio: 0.1,
    });

    // The setup bundle, all five tools already in the tool cache: start-up plus five lookups.
    const assets = serveAssets(server, TOOL_NAMES, 'v0.0.1');
    const toolCache = path.join(scratch, 'warm-cache');
    const files = {
      output: 'github_output',
      path: 'github_path',
      env: 'github_env',
      summary: 'step_summary.md',
    };
    for (const name of Object.values(files)) writeFileSync(path.join(scratch, name), '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RUNNER_TOOL_CACHE: toolCache,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: path.join(scratch, files.output),
      GITHUB_PATH: path.join(scratch, files.path),
      GITHUB_ENV: path.join(scratch, files.env),
      GITHUB_STEP_SUMMARY: path.join(scratch, files.summary),
      INPUT_TOOLS: TOOL_NAMES.join(','),
      INPUT_MIRROR: server.url,
    };
    for (const a of assets) {
      env[`INPUT_${a.tool.toUpperCase()}-VERSION`] = a.version;
      env[`INPUT_${a.tool.toUpperCase()}-SHA256`] = a.sha256;
    }
    const bundle = path.resolve('dist', 'setup', 'index.js');
    await startTime([bundle], env); // cold: fills the cache
    const requests = server.count();
    const clean = { PATH: env.PATH! };
    const setupTimes: number[] = [];
    const nodeTimes: number[] = [];
    await startTime(['-e', '0'], clean);
    for (let i = 0; i < START_RUNS; i++) {
      nodeTimes.push(await startTime(['-e', '0'], clean));
      setupTimes.push(await startTime([bundle], env));
    }
    if (server.count() !== requests) throw new Error('a warm setup run made a request');
    report.add({
      name: `setup, all ${TOOL_NAMES.length} tools warm (median of ${START_RUNS})`,
      ours: median(setupTimes),
      reference: median(nodeTimes),
      referenceName: 'node -e 0',
      unit: 'ms',
      maxExtra: 100,
    });
  } finally {
    await server.stop();
    for (const [name, value] of [
      ['RUNNER_TOOL_CACHE', saved.cache],
      ['RUNNER_TEMP', saved.temp],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}
