import { OperationalError, run, ToolExitError, type Logger } from '@release-actions/core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { VulnErrorCode } from './errors.js';
import type { GrypeReport } from './grype-report.js';
import { readReport, reportTarget } from './report.js';

/**
 * What grype scans: an image reference, an SBOM file (syft's, SPDX or CycloneDX), a directory, or
 * a file (an image archive or any single file).
 */
export type SourceKind = 'image' | 'sbom' | 'path' | 'file';
export interface ScanSource {
  kind: SourceKind;
  value: string;
}

/**
 * grype's source argument: an SBOM and a directory get their scheme, so grype never guesses. A
 * file goes as its absolute path, as the sbom package gives it to syft: an archive (docker save,
 * OCI tar) is then read as the image it holds and any other file catalogued on its own, where
 * grype's `file:` would catalogue an archive as a plain file.
 */
export function sourceArgument(source: ScanSource): string {
  if (source.kind === 'sbom') return `sbom:${source.value}`;
  if (source.kind === 'path') return `dir:${source.value}`;
  if (source.kind === 'file') return path.resolve(source.value);
  return source.value;
}

export interface GrypeOutputs {
  /** Always written: the report we evaluate. */
  json: string;
  /** grype's own table on stdout, for the log. */
  table?: boolean;
  /** grype's own SARIF, when someone wants it beside ours. */
  sarif?: string;
}

/**
 * One grype run writes every output. No `--fail-on`: grype's exit code says whether grype worked;
 * the verdict is ours, decided from the JSON report.
 */
export function grypeArgs(source: ScanSource, outputs: GrypeOutputs): string[] {
  const args = [sourceArgument(source), '-o', `json=${outputs.json}`];
  if (outputs.sarif) args.push('-o', `sarif=${outputs.sarif}`);
  if (outputs.table) args.push('-o', 'table');
  return args;
}

export interface GrypeVersion {
  version: string;
  /** The DB schema this grype reads (`Supported DB Schema`), e.g. "6". */
  dbSchema?: string;
}

/** Parses `grype version` (text output, stable since 0.30). */
export function parseGrypeVersion(text: string): GrypeVersion | undefined {
  const version = /^Version:\s*(\S+)/m.exec(text)?.[1];
  if (version === undefined) return undefined;
  const dbSchema = /^Supported DB Schema:\s*(\S+)/m.exec(text)?.[1];
  return { version, ...(dbSchema ? { dbSchema } : {}) };
}

export async function grypeVersion(command: string, logger: Logger): Promise<GrypeVersion | undefined> {
  const result = await run(command, ['version'], {
    logger,
    timeoutMs: 60_000,
    env: { GRYPE_CHECK_FOR_APP_UPDATE: 'false' },
  });
  const parsed = parseGrypeVersion(result.stdout);
  if (parsed === undefined) logger.warning(`Could not read the version from \`${command} version\`.`);
  return parsed;
}

function withoutScheme(reference: string): string {
  return reference.replace(/^(registry|docker|podman|containerd):/, '');
}

/**
 * Fails when the report is not about what we asked grype to scan, so a stale or mixed-up file
 * can never pass the gate for another image. An SBOM's report speaks of the SBOM's own source,
 * which we cannot compare with the file name; it is not checked.
 */
export function checkTarget(report: GrypeReport, source: ScanSource): void {
  if (source.kind === 'sbom') return;
  const target = report.source?.target;
  const found = reportTarget(report);
  if (source.kind === 'path') {
    if (typeof target === 'string' && path.resolve(target) === path.resolve(source.value)) return;
  } else if (source.kind === 'file') {
    // A single file's report names it as its target; an archive's, as the image's user input.
    const named = typeof target === 'string' ? target : target?.userInput;
    if (named !== undefined && path.resolve(named) === path.resolve(source.value)) return;
  } else {
    const asked = withoutScheme(source.value);
    if (typeof target === 'object' && target !== null) {
      if (target.userInput !== undefined && withoutScheme(target.userInput) === asked) return;
      const digest = /@(sha256:[a-f0-9]{64})$/.exec(asked)?.[1];
      if (
        digest &&
        (target.manifestDigest === digest || (target.repoDigests ?? []).some((d) => d.endsWith(`@${digest}`)))
      ) {
        return;
      }
    }
  }
  throw new OperationalError<VulnErrorCode>(
    `grype's report is about "${found}" (${report.source?.type ?? 'unknown source'}), not the ${source.kind} asked for ("${source.value}"); refusing to judge it.${source.kind === 'file' ? ' (grype reads an SBOM given as a file as that SBOM: give it as sbom:<file>.)' : ''}`,
    { code: 'REPORT_TARGET_MISMATCH' },
  );
}

// eslint-disable-next-line no-control-regex -- grype colours its log even when stderr is no terminal
const ANSI = /\u001b\[[0-9;]*m/g;
const ERROR_LINE = /^\[\d+\]\s+ERROR\s+/;
const MAX_ERROR = 1500;

/**
 * grype's own error out of its log on stderr: the `[0009] ERROR <message>` line and the indented
 * lines that continue it (for an image it cannot load, one per image provider it tried), without
 * the colour codes grype writes even to a pipe. The log's last lines alone would name only the
 * last providers tried, not what failed.
 */
export function grypeError(stderr: string): string | undefined {
  const lines = stderr.replace(ANSI, '').split(/\r?\n/);
  const start = lines.findIndex((line) => ERROR_LINE.test(line));
  if (start === -1) return undefined;
  const block = [lines[start]!.replace(ERROR_LINE, '').trim()];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    block.push(line.trim());
  }
  const text = block.join(' ');
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR)}…` : text;
}

export interface RunGrypeOptions {
  command?: string;
  outputs: GrypeOutputs;
  env?: Record<string, string | undefined>;
  logger: Logger;
  timeoutMs?: number;
}

/** Runs grype once and returns its parsed JSON report, failing closed on every way that can go wrong. */
export async function runGrype(source: ScanSource, options: RunGrypeOptions): Promise<GrypeReport> {
  const command = options.command ?? 'grype';
  let result;
  try {
    result = await run(command, grypeArgs(source, options.outputs), {
      logger: options.logger,
      timeoutMs: options.timeoutMs ?? 30 * 60 * 1000,
      env: { GRYPE_CHECK_FOR_APP_UPDATE: 'false', ...options.env },
      streamStderr: true,
    });
  } catch (error) {
    // grype's own reason when its log has one; else what the runner says (exit code and last lines).
    const reason = error instanceof ToolExitError ? grypeError(error.result.stderr) : undefined;
    throw new OperationalError<VulnErrorCode>(
      reason === undefined
        ? (error as Error).message
        : `grype exited with code ${(error as ToolExitError).result.exitCode}: ${reason}`,
      { code: 'GRYPE_FAILED', ...(reason === undefined ? { cause: error } : {}) },
    );
  }
  if (options.outputs.table && result.stdout.trim() !== '') options.logger.info(result.stdout.trimEnd());
  if (!existsSync(options.outputs.json)) {
    throw new OperationalError<VulnErrorCode>(
      `grype exited with 0 but wrote no report to ${options.outputs.json}.`,
      { code: 'GRYPE_FAILED' },
    );
  }
  const report = await readReport(options.outputs.json);
  checkTarget(report, source);
  return report;
}
