import { plainStyle, type TextStyle } from '@release-actions/core';
import path from 'node:path';
import type { OpenVexOutput, ScanResult } from './gate.js';
import { overallHeadline, platformsJson, summedCounts } from './platforms.js';
import { dbBuiltOf } from './report.js';
import { writeSarif } from './scan.js';
import { DISPLAY_ORDER, capitalize } from './severity.js';
import { renderSummary, type SummaryBuilder, type SummaryContext } from './summary.js';
import { displayPath } from './suppression.js';
import { renderText, toJson } from './text-report.js';

/** A gate's result as each front end shows it: the action's outputs and job summary, the CLI's text and JSON. */

/** An output's value: text, a number, or JSON (an object or a list). */
export type ScanOutput = string | number | Record<string, unknown> | readonly Record<string, unknown>[];

/** `pass` or `fail`: the `verdict` output and the CLI's JSON. */
function passOrFail(result: ScanResult): 'pass' | 'fail' {
  return result.verdict.outcome === 'passed' ? 'pass' : 'fail';
}

/**
 * The scan action's outputs. Counts are summed over the platforms; `platforms` has each one's own.
 * Several SARIF files carry one category each (automationDetails.id), so `category` is empty
 * then: upload-sarif must not override them.
 */
export function scanOutputs(result: ScanResult): Record<string, ScanOutput> {
  const sums = summedCounts(result.results);
  const several = result.results.length > 1;
  return {
    verdict: passOrFail(result),
    blocking: sums.blocking,
    ...Object.fromEntries(DISPLAY_ORDER.map((severity) => [severity, sums.after[severity]])),
    counts: { before: sums.before, after: sums.after },
    json: result.json,
    sarif: result.sarif,
    category: several ? '' : (result.results[0]?.sarif.category ?? ''),
    openvex: result.openvex?.file ?? '',
    ...(result.byPlatform ? { platforms: platformsJson(result.results) } : {}),
  };
}

/**
 * The job summary of several platforms: the overall verdict naming the platforms that block, a
 * row per platform, then each platform's own section.
 */
function renderPlatformsSummary(md: SummaryBuilder, result: ScanResult, context: SummaryContext): void {
  const { results, failBuild } = result;
  md.heading(
    result.verdict.outcome === 'passed'
      ? `✅ Vulnerability scan: passed on all ${results.length} platforms`
      : failBuild
        ? '❌ Vulnerability scan: blocked'
        : '⚠️ Vulnerability scan: failed (not blocking: fail-build is off)',
  );
  md.paragraph(overallHeadline(results, `\`${result.subject.replace(/`/g, "'")}\``, failBuild));
  md.table(
    ['Platform', 'Digest', 'Verdict', 'At or above cutoff', ...DISPLAY_ORDER.map(capitalize)],
    results.map((r) => [
      r.target.platform || '(image)',
      `\`${r.target.digest}\``,
      r.evaluation.verdict === 'pass' ? '✅ pass' : '❌ fail',
      String(r.evaluation.blocking),
      ...DISPLAY_ORDER.map((s) => String(r.evaluation.after[s])),
    ]),
  );
  for (const r of results) {
    renderSummary(md, r.evaluation, {
      ...context,
      grypeVersion: r.grypeVersion,
      dbBuilt: dbBuiltOf(r.report),
      section: `${r.target.platform || r.target.digest} (\`${r.target.digest}\`)`,
    });
  }
}

/** The scan's job summary: one target's report, or the platforms' table and each platform's report. */
export function renderScanSummary<M extends SummaryBuilder>(result: ScanResult, md: M): M {
  const first = result.results[0]!;
  const context: SummaryContext = {
    failBuild: result.failBuild,
    grypeVersion: first.grypeVersion,
    dbBuilt: dbBuiltOf(first.report),
  };
  if (result.results.length > 1) renderPlatformsSummary(md, result, context);
  else renderSummary(md, first.evaluation, context);
  return md;
}

/** Where `exportSarif` puts each target's SARIF: the file given (one target), else one file per platform in it. */
export function sarifCopies(result: ScanResult, destination: string): string[] {
  if (result.results.length === 1) return [destination];
  return result.results.map((r) => path.join(destination, path.basename(r.sarifFile)));
}

/** Writes the SARIF where the user asked for it (the CLI's `--sarif`); returns the files written. */
export async function exportSarif(result: ScanResult, destination: string): Promise<string[]> {
  const files = sarifCopies(result, destination);
  for (const [i, r] of result.results.entries()) await writeSarif(files[i]!, r.sarif);
  return files;
}

function openVexLine(openvex: OpenVexOutput, show: (file: string) => string): string {
  return `OpenVEX: ${show(openvex.file)} (${openvex.statements} not_affected statement${openvex.statements === 1 ? '' : 's'} from the ignore rules)`;
}

/** The OpenVEX document in the JSON report: its path and how many statements it holds. */
function openVexJson(result: ScanResult): Record<string, unknown> {
  return result.openvex
    ? { openvex: { file: result.openvex.file, statements: result.openvex.statements } }
    : {};
}

/**
 * The report for a terminal; `sarif` is where the SARIF was exported, when it was. `style` marks
 * up blocking findings on a terminal; paths under `cwd` (the report, the SARIF, ignore and VEX
 * files) are shown relative to it, as the user would type them.
 */
export function renderScanText(
  result: ScanResult,
  sarif?: string,
  style: TextStyle = plainStyle,
  cwd: string = process.cwd(),
): string {
  const show = (file: string) => displayPath(file, cwd);
  const options = { style, cwd, failBuild: result.failBuild };
  if (!result.byPlatform) {
    const [only] = result.results;
    const extra = [`report: ${show(only!.jsonFile)}`];
    if (sarif !== undefined) extra.push(`SARIF: ${show(sarif)} (category ${only!.sarif.category})`);
    if (result.openvex) extra.push(openVexLine(result.openvex, show));
    return `${renderText(only!.evaluation, options)}\n\n${extra.join('\n')}`;
  }
  // The overall verdict first: the first line is the verdict, whatever was scanned.
  const parts = [overallHeadline(result.results, result.subject, result.failBuild)];
  parts.push(
    ...result.results.map(
      (r) =>
        `== ${r.target.platform || '(image)'} ${r.target.digest}: ${r.evaluation.verdict}\n${renderText(r.evaluation, options)}\n\nreport: ${show(r.jsonFile)}`,
    ),
  );
  if (sarif !== undefined) parts.push(`SARIF: ${show(sarif)}`);
  if (result.openvex) parts.push(openVexLine(result.openvex, show));
  return parts.join('\n\n');
}

/** The machine-readable report (the CLI's `--format json`); `sarif` as for `renderScanText`. */
export function scanJson(result: ScanResult, sarif?: string): Record<string, unknown> {
  if (!result.byPlatform) {
    const [only] = result.results;
    return {
      ...toJson(only!.evaluation),
      report: only!.jsonFile,
      ...(sarif !== undefined
        ? { sarif, category: only!.sarif.category, sarifResults: only!.sarif.written }
        : {}),
      ...openVexJson(result),
    };
  }
  const sums = summedCounts(result.results);
  const files = sarif === undefined ? undefined : sarifCopies(result, sarif);
  return {
    subject: result.subject,
    verdict: passOrFail(result),
    blocking: sums.blocking,
    counts: { before: sums.before, after: sums.after },
    platforms: platformsJson(result.results).map((p, i) => ({
      ...p,
      ...(files !== undefined ? { sarif: files[i] } : {}),
    })),
    ...openVexJson(result),
  };
}
