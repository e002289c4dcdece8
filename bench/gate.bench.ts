import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Markdown } from '@release-actions/core';
import {
  defaultPolicy,
  judge,
  readReport,
  renderSummary,
  writeSarif,
  type GrypeMatch,
  type GrypeReport,
} from '@release-actions/vuln';
import { median, type BenchReport } from './report.js';

/**
 * The vulnerability gate over a large grype report: gate + SARIF + job summary (ours) beside a
 * plain JSON.parse of the same file, in the same run. Time: median of several in-process runs,
 * interleaved. Memory: each side once in a child process of its own, its peak RSS read from
 * process.resourceUsage(), bounded by 3× the report's size.
 */
const MATCHES = 50_000;
const RUNS = 7;
const WORKER = 'RELEASE_ACTIONS_GATE_BENCH_WORKER';

/** 50,000 matches made from the real upstream reports, each a distinct vulnerability and package. */
function generateReport(file: string): void {
  const upstream = path.resolve('test', 'fixtures', 'upstream', 'grype', 'reports');
  const base = JSON.parse(
    readFileSync(path.join(upstream, 'nginx-debian10.grype.json'), 'utf8'),
  ) as GrypeReport;
  const templates: GrypeMatch[] = [
    ...base.matches,
    ...(
      JSON.parse(readFileSync(path.join(upstream, 'busybox-binary.grype-0.94.0.json'), 'utf8')) as GrypeReport
    ).matches,
  ];
  const matches: GrypeMatch[] = new Array(MATCHES);
  for (let i = 0; i < MATCHES; i++) {
    const template = templates[i % templates.length]!;
    const copy = JSON.parse(JSON.stringify(template)) as GrypeMatch;
    copy.vulnerability.id = `CVE-${2000 + (i % 26)}-${100000 + i}`;
    copy.artifact.name = `${template.artifact.name}-${Math.floor(i / templates.length)}`;
    matches[i] = copy;
  }
  // grype writes its JSON indented by one space.
  writeFileSync(file, JSON.stringify({ ...base, matches }, null, 1));
}

async function reference(file: string): Promise<number> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as GrypeReport;
  return parsed.matches.length;
}

async function ours(file: string, sarifFile: string): Promise<number> {
  const report = await readReport(file);
  const { evaluation, sarif } = judge(report, defaultPolicy());
  await writeSarif(sarifFile, sarif);
  const summary = new Markdown();
  renderSummary(summary, evaluation);
  return summary.toString().length + sarif.written;
}

/** In a child: one side once, then its peak RSS in bytes on the last line. */
async function worker(side: string): Promise<void> {
  const file = process.env[`${WORKER}_FILE`]!;
  if (side === 'ours') await ours(file, `${file}.sarif`);
  else await reference(file);
  process.stdout.write(`\nmaxRSS ${process.resourceUsage().maxRSS * 1024}\n`);
}

function peakRss(side: string, file: string): number {
  // This module runs bundled (scripts/run-ts.mjs); the child runs that same bundle, only this benchmark.
  const bundle = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [bundle, 'gate'], {
    env: { PATH: process.env.PATH ?? '', [WORKER]: side, [`${WORKER}_FILE`]: file },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /maxRSS (\d+)\s*$/.exec(result.stdout ?? '');
  if (result.status !== 0 || !match) {
    throw new Error(`gate bench worker (${side}) failed: ${result.stderr || result.stdout}`);
  }
  return Number(match[1]);
}

export default async function gate(report: BenchReport): Promise<void> {
  const side = process.env[WORKER];
  if (side) return worker(side);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-bench-'));
  try {
    const file = path.join(dir, 'grype.json');
    generateReport(file);
    const size = readFileSync(file).length;
    const sarifFile = path.join(dir, 'grype.sarif');
    const times = { ours: [] as number[], reference: [] as number[] };
    await reference(file);
    await ours(file, sarifFile);
    for (let run = 0; run < RUNS; run++) {
      let started = performance.now();
      await reference(file);
      times.reference.push(performance.now() - started);
      started = performance.now();
      await ours(file, sarifFile);
      times.ours.push(performance.now() - started);
    }
    const mb = (bytes: number) => bytes / (1024 * 1024);
    process.stdout.write(
      `report: ${MATCHES.toLocaleString('en-US')} matches, ${mb(size).toFixed(1)} MB; SARIF ${mb(readFileSync(sarifFile).length).toFixed(1)} MB\n`,
    );
    report.add({
      name: `gate+SARIF+summary, ${MATCHES / 1000}k matches (median of ${RUNS})`,
      ours: median(times.ours),
      reference: median(times.reference),
      referenceName: 'JSON.parse',
      unit: 'ms',
      maxRatio: 2,
    });
    const referenceRss = peakRss('reference', file);
    process.stdout.write(`peak RSS of JSON.parse alone: ${mb(referenceRss).toFixed(1)} MB\n`);
    report.add({
      name: `gate+SARIF+summary peak RSS, ${MATCHES / 1000}k matches`,
      ours: mb(peakRss('ours', file)),
      reference: mb(size),
      referenceName: 'report size',
      unit: 'MB',
      maxRatio: 3,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
