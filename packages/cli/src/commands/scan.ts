import { InputError } from '@release-actions/core';
import { parsePlatformSelection } from '@release-actions/sbom';
import {
  catalogueSize,
  gatePlatforms,
  imageCategory,
  overallHeadline,
  platformsJson,
  summedCounts,
  resolveTargets,
  judge,
  loadPolicy,
  parseCutoff,
  parseMaxIgnoreDays,
  readReport,
  renderText,
  scan,
  toJson,
  writeSarif,
  type ScanSource,
} from '@release-actions/vuln';
import type { Command } from 'commander';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { action, type CommandContext } from '../program.js';

interface ScanFlags {
  report?: string;
  severityCutoff?: string;
  onlyFixed?: boolean;
  unknownFails?: boolean;
  allowEmptySbom?: boolean;
  ignoreFile?: string;
  maxIgnoreDays?: string;
  vex?: string[];
  sarif?: string;
  category?: string;
  format?: string;
  outputDir?: string;
  sbomManifest?: string;
  platforms?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `sbom:<file>`, `dir:<path>`, an existing directory or file, else an image reference. */
function sourceFrom(positional: string): ScanSource {
  if (positional.startsWith('sbom:')) return { kind: 'sbom', value: path.resolve(positional.slice(5)) };
  if (positional.startsWith('dir:')) return { kind: 'path', value: path.resolve(positional.slice(4)) };
  const resolved = path.resolve(positional);
  if (existsSync(resolved)) {
    return statSync(resolved).isDirectory()
      ? { kind: 'path', value: resolved }
      : { kind: 'sbom', value: resolved };
  }
  return { kind: 'image', value: positional };
}

function checkFile(input: string, file: string): string {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new InputError(`"${file}" does not exist.`, { input });
  if (!statSync(resolved).isFile()) throw new InputError(`"${file}" is not a file.`, { input });
  return resolved;
}

export function registerScan(program: Command, context: CommandContext): void {
  program
    .command('scan')
    .description(
      'Vulnerability gate: grype scans an image, an SBOM or a directory (or --report evaluates an existing grype JSON report) and the policy decides. Exit 0 pass, 1 blocked, 2 error.',
    )
    .argument('[source]', 'image reference, sbom:<file>, dir:<path>, or an existing SBOM file or directory')
    .option('--report <grype.json>', 'evaluate this grype JSON report instead of running grype')
    .option(
      '--severity-cutoff <severity>',
      'lowest blocking severity: negligible, low, medium, high, critical',
      'high',
    )
    .option('--only-fixed', 'leave out findings without a fixed version')
    .option('--unknown-fails', 'count findings of unknown severity as at or above the cutoff')
    .option(
      '--allow-empty-sbom',
      'let an SBOM that lists no package pass (a Helm chart directory; never an image)',
    )
    .option('--ignore-file <file>', 'YAML ignore rules (id, package, version, reason, expires)')
    .option(
      '--max-ignore-days <days>',
      'latest accepted expiry of an ignore rule, in days from today (1 to 3650)',
      '365',
    )
    .option('--vex <file>', 'OpenVEX document, repeatable', collect)
    .option('--sarif <file>', 'write SARIF for code scanning to this file')
    .option('--category <category>', 'code scanning category (default derived from the target)')
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--output-dir <dir>',
      "directory for grype's JSON report when grype runs (default a temporary directory)",
    )
    .option(
      '--sbom-manifest <file>',
      "the sbom command's <prefix>-platforms.json: each platform's SBOM is checked to describe its digest, scanned and judged; exit 1 when any platform blocks",
    )
    .option(
      '--platforms <all|list>',
      'with an image: scan each platform of an index by its own digest (all, or os/arch[/variant],…); with several platforms --sarif is a directory of one file per platform',
    )
    .action((positional: string | undefined, flags: ScanFlags) =>
      action(
        async () => {
          const logger = context.logger();
          const format = (flags.format ?? 'text').toLowerCase();
          if (format !== 'text' && format !== 'json') {
            throw new InputError(`--format: "${flags.format}" is not accepted; use text or json.`);
          }
          if (flags.sbomManifest !== undefined || flags.platforms !== undefined) {
            return scanPlatforms(positional, flags, format, context);
          }
          if (positional !== undefined && flags.report !== undefined) {
            throw new InputError(
              `Give one source: "${positional}" and --report ${flags.report} are both set.`,
            );
          }
          if (positional === undefined && flags.report === undefined) {
            throw new InputError(
              'Give what to scan (an image reference, sbom:<file> or dir:<path>) or --report <grype.json>.',
            );
          }
          const source = positional === undefined ? undefined : sourceFrom(positional);
          if (source && source.kind !== 'image' && !existsSync(source.value)) {
            throw new InputError(`"${positional}": ${source.value} does not exist.`);
          }
          const policy = await policyOf(flags);
          const packages = source === undefined ? undefined : await catalogueSize(source);

          let report;
          let jsonFile: string;
          if (flags.report !== undefined) {
            jsonFile = path.resolve(flags.report);
            report = await readReport(jsonFile);
          } else {
            const outputDir = path.resolve(
              flags.outputDir ?? mkdtempSync(path.join(os.tmpdir(), 'release-actions-scan-')),
            );
            const outcome = await scan({ source: source!, outputDir, logger });
            report = outcome.report;
            jsonFile = outcome.jsonFile;
          }
          const { evaluation, sarif } = judge(report, policy, { category: flags.category, source, packages });
          if (flags.sarif !== undefined) {
            await writeSarif(path.resolve(flags.sarif), sarif);
            if (sarif.trimmed) logger.notice(sarif.trimmed);
          }
          if (format === 'json') {
            context.out(
              JSON.stringify(
                {
                  ...toJson(evaluation),
                  report: jsonFile,
                  ...(flags.sarif !== undefined
                    ? {
                        sarif: path.resolve(flags.sarif),
                        category: sarif.category,
                        sarifResults: sarif.written,
                      }
                    : {}),
                },
                null,
                2,
              ),
            );
          } else {
            const extra = [`report: ${jsonFile}`];
            if (flags.sarif !== undefined)
              extra.push(`SARIF: ${path.resolve(flags.sarif)} (category ${sarif.category})`);
            context.out(`${renderText(evaluation)}\n\n${extra.join('\n')}`);
          }
          return evaluation.verdict === 'pass' ? 0 : 1;
        },
        { image: '<source>', sbom: '<source>', path: '<source>' },
      ),
    );
}

/** `--sbom-manifest` or `--platforms`: a verdict per platform, exit 1 when any platform blocks. */
async function scanPlatforms(
  positional: string | undefined,
  flags: ScanFlags,
  format: string,
  context: CommandContext,
): Promise<number> {
  const logger = context.logger();
  if (flags.report !== undefined) {
    throw new InputError('--report judges one report; give it without --sbom-manifest or --platforms.');
  }
  if (flags.sbomManifest !== undefined && positional !== undefined) {
    throw new InputError(`--sbom-manifest names what to scan; "${positional}" is given too.`);
  }
  const selection =
    flags.platforms === undefined ? undefined : parsePlatformSelection(flags.platforms, '--platforms');
  const policy = await policyOf(flags);
  const source = positional === undefined ? undefined : sourceFrom(positional);
  if (flags.sbomManifest === undefined && source?.kind !== 'image') {
    throw new InputError('--platforms: give an image reference to scan.');
  }
  const { subject, targets } = await resolveTargets({
    manifestFile: flags.sbomManifest === undefined ? undefined : path.resolve(flags.sbomManifest),
    image: source?.value,
    selection,
    names: { manifest: '--sbom-manifest', platforms: '--platforms' },
    logger,
  });
  const outputDir = path.resolve(
    flags.outputDir ?? mkdtempSync(path.join(os.tmpdir(), 'release-actions-scan-')),
  );
  const gate = await gatePlatforms({
    targets,
    policy,
    category: flags.category ?? imageCategory(subject),
    outputDir,
    logger,
  });
  // --sarif: the file (one platform) or a directory of one file per platform.
  let sarifPath: string | undefined;
  if (flags.sarif !== undefined) {
    sarifPath = path.resolve(flags.sarif);
    if (gate.results.length === 1) await writeSarif(sarifPath, gate.results[0]!.sarif);
    else
      for (const r of gate.results)
        await writeSarif(path.join(sarifPath, path.basename(r.sarifFile)), r.sarif);
  }
  const sums = summedCounts(gate.results);
  if (format === 'json') {
    context.out(
      JSON.stringify(
        {
          subject,
          verdict: gate.verdict,
          blocking: sums.blocking,
          counts: { before: sums.before, after: sums.after },
          platforms: platformsJson(gate.results).map((p, i) => ({
            ...p,
            ...(sarifPath !== undefined
              ? {
                  sarif:
                    gate.results.length === 1
                      ? sarifPath
                      : path.join(sarifPath, path.basename(gate.results[i]!.sarifFile)),
                }
              : {}),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    const parts = gate.results.map(
      (r) =>
        `== ${r.target.platform || '(image)'} ${r.target.digest}: ${r.evaluation.verdict}\n${renderText(r.evaluation)}`,
    );
    parts.push(overallHeadline(gate.results, subject));
    if (sarifPath !== undefined) parts.push(`SARIF: ${sarifPath}`);
    context.out(parts.join('\n\n'));
  }
  return gate.verdict === 'pass' ? 0 : 1;
}

/** The gate's policy from the flags: one reading for a single target and for every platform. */
function policyOf(flags: ScanFlags) {
  return loadPolicy({
    severityCutoff: parseCutoff(flags.severityCutoff),
    onlyFixed: flags.onlyFixed,
    unknownFails: flags.unknownFails,
    allowEmptySbom: flags.allowEmptySbom,
    ignoreFile: flags.ignoreFile === undefined ? undefined : checkFile('ignore-file', flags.ignoreFile),
    vexFiles: (flags.vex ?? []).map((file) => checkFile('vex', file)),
    maxIgnoreDays: parseMaxIgnoreDays(flags.maxIgnoreDays),
  });
}
