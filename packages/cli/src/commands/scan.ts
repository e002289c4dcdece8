import { enforceVerdict, InputError, type Logger } from '@release-actions/core';
import { parseSource, sourceFields, sourceSyntax } from '@release-actions/sbom';
import {
  exportSarif,
  gate,
  parseMaxIgnoreDays,
  renderScanText,
  scanJson,
  type PolicyInput,
  type ScanResult,
  type ScanSubject,
} from '@release-actions/vuln';
import { checkScanFiles } from '@release-actions/vuln/inputs';
import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reporting } from '../output.js';
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
  outputDir?: string;
  sbomManifest?: string;
  platforms?: string;
  vexAuthor?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * Runs the scan with its files in --output-dir, or in a new temporary folder that a failed scan
 * (a refused input, a grype error) removes again: nothing half-written stays behind.
 */
async function withOutputDir<T>(given: string | undefined, run: (dir: string) => Promise<T>): Promise<T> {
  if (given !== undefined) return run(path.resolve(given));
  const created = mkdtempSync(path.join(os.tmpdir(), 'release-actions-scan-'));
  try {
    return await run(created);
  } catch (error) {
    rmSync(created, { recursive: true, force: true });
    throw error;
  }
}

/** What the positional argument (docs/sources.md, the syntax sbom shares) or --report names. */
function subjectFrom(positional: string | undefined, flags: ScanFlags, logger: Logger): ScanSubject {
  const subject: ScanSubject = {
    ...(flags.report !== undefined ? { report: path.resolve(flags.report) } : {}),
    ...(flags.sbomManifest !== undefined ? { sbomManifest: path.resolve(flags.sbomManifest) } : {}),
    ...(flags.platforms !== undefined ? { platforms: flags.platforms } : {}),
  };
  if (positional === undefined) {
    if (Object.keys(subject).length === 0) {
      throw new InputError(
        `Give what to scan as <source> (${sourceSyntax('scan')}) or --report <grype.json>.`,
      );
    }
    return subject;
  }
  if (flags.report !== undefined) {
    throw new InputError(`Give one source: "${positional}" and --report ${flags.report} are both set.`);
  }
  const spec = parseSource(positional, { allowSbom: true, warn: (message) => logger.warning(message) });
  return { ...subject, ...sourceFields(spec) };
}

/**
 * The SARIF of the scan as one log: one run per platform when there are several (each keeps its
 * own category), so --format sarif always prints a single document.
 */
function sarifLog(result: ScanResult): string {
  const [only, ...more] = result.results;
  if (only === undefined) return '';
  if (more.length === 0) return only.sarif.text;
  const logs = result.results.map((r) => JSON.parse(r.sarif.text) as { runs: unknown[] });
  return JSON.stringify({ ...logs[0], runs: logs.flatMap((log) => log.runs) });
}

export function registerScan(program: Command, context: CommandContext): void {
  reporting(program.command('scan'), { formats: ['text', 'json', 'sarif'] })
    .description(
      'Vulnerability gate: grype scans an image, an SBOM or a directory (or --report evaluates an existing grype JSON report) and the policy decides. Exit 0 pass, 1 blocked, 2 error.',
    )
    .argument(
      '[source]',
      'image:<reference> (or a bare reference), sbom:<file>, dir:<path>, or file:<path> (an image archive or any file); see docs/sources.md',
    )
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
    .option(
      '--sarif <file>',
      'also write SARIF for code scanning to this file, beside the text or JSON result (--format sarif prints it instead)',
    )
    .option('--category <category>', 'code scanning category (default derived from the target)')
    .option(
      '--output-dir <dir>',
      "directory for grype's JSON report when grype runs, and openvex.json (default a temporary directory)",
    )
    .option(
      '--vex-author <name>',
      'author of openvex.json, the OpenVEX document of the ignore rules that applied to an image (default $GITHUB_REPOSITORY, else the image repository)',
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
          const subject = subjectFrom(positional, flags, context.logger());
          const policy: PolicyInput = {
            severityCutoff: flags.severityCutoff,
            onlyFixed: flags.onlyFixed,
            unknownFails: flags.unknownFails,
            allowEmptySbom: flags.allowEmptySbom,
            ignoreFile: flags.ignoreFile === undefined ? undefined : path.resolve(flags.ignoreFile),
            vexFiles: (flags.vex ?? []).map((file) => path.resolve(file)),
            maxIgnoreDays: parseMaxIgnoreDays(flags.maxIgnoreDays),
          };
          checkScanFiles({ ...subject, policy });
          const result = await withOutputDir(flags.outputDir, (outputDir) =>
            gate({
              ...subject,
              policy,
              category: flags.category,
              outputDir,
              vexAuthor: flags.vexAuthor ?? process.env.GITHUB_REPOSITORY,
              logger: context.logger(),
            }),
          );
          const sarif = flags.sarif === undefined ? undefined : path.resolve(flags.sarif);
          if (sarif !== undefined) await exportSarif(result, sarif);
          context.report({
            text: (style) => renderScanText(result, sarif, style),
            json: () => scanJson(result, sarif),
            sarif: () => sarifLog(result),
          });
          enforceVerdict(result.verdict);
        },
        { source: '<source>', image: '<source>', sbom: '<source>', path: '<source>', file: '<source>' },
      ),
    );
}
