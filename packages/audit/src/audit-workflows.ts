import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@release-actions/core';
import type { AuditConfig } from './config.js';
import { DEFAULT_CONFIG_PATH, expandPaths } from './discover.js';
import type { AuditResult } from './finding.js';
import { renderAuditReport, selectFindings, severityOverrides, type AuditReport } from './report.js';
import type { Severity } from './severity.js';

/** The SARIF report's name when no file is given. */
export const SARIF_FILE_NAME = 'release-actions-audit.sarif';

export interface AuditWorkflowsOptions {
  /** The folder paths and the config are relative to and findings are named from: the workspace, or the current folder. */
  cwd: string;
  /**
   * Files or folders; a file named here must be a workflow or an action. None means .github/workflows
   * and every action.yml / action.yaml of the repository (only those under .github outside one).
   */
  paths: readonly string[];
  /** The config file, relative to cwd; without it .github/release-actions-audit.yml is read when present. */
  config?: string;
  minSeverity: Severity;
  failOn: Severity | 'none';
  /** Apply the safe fixes to the files first, then audit what they became. */
  fix?: boolean;
  /** Write the SARIF report to `file` (relative to cwd), or to release-actions-audit.sarif in `defaultDir`. */
  sarif?: { file?: string; defaultDir: string };
  logger?: Logger;
}

/** No config given or found, and no file to audit. */
function nothingToRead({ cwd, config, paths }: AuditWorkflowsOptions): boolean {
  return (
    config === undefined &&
    !existsSync(path.resolve(cwd, DEFAULT_CONFIG_PATH)) &&
    expandPaths(cwd, paths).length === 0
  );
}

/**
 * The config reader, the fixer and the checks are built on yaml (~110 kB bundled): imported here,
 * once there is a file to read, they stay out of the action's start, and a workspace with nothing
 * to audit never loads them.
 */
async function auditFiles(
  options: AuditWorkflowsOptions,
): Promise<{ config: AuditConfig; result: AuditResult }> {
  const { cwd, logger } = options;
  if (nothingToRead(options)) {
    logger?.debug('auditing 0 file(s)');
    return {
      config: { rules: {}, ignore: [] },
      result: { files: [], findings: [], errors: [], skipped: [], suppressed: 0 },
    };
  }
  const [{ auditPaths, auditSources }, { loadConfig }, { applyFixes }, { refuseUnauditable }] =
    await Promise.all([
      import('./audit.js'),
      import('./config.js'),
      import('./fix.js'),
      import('./named-files.js'),
    ]);
  refuseUnauditable(cwd, options.paths);
  const config = loadConfig(cwd, options.config);
  const result = options.fix
    ? auditSources(applyFixes(cwd, options.paths, logger), { config, logger })
    : auditPaths(cwd, options.paths, { config, logger });
  return { config, result };
}

/** `--fix --dry-run`: the safe fixes as a unified diff, for the same paths the audit would accept. */
export async function previewWorkflowFixes(
  options: Pick<AuditWorkflowsOptions, 'cwd' | 'paths' | 'logger'>,
): Promise<string> {
  const [{ previewFixes }, { refuseUnauditable }] = await Promise.all([
    import('./fix.js'),
    import('./named-files.js'),
  ]);
  refuseUnauditable(options.cwd, options.paths);
  return previewFixes(options.cwd, options.paths, options.logger);
}

/** The audit both front ends run: the action and `release-actions audit` differ only in how they show the report. */
export async function auditWorkflows(options: AuditWorkflowsOptions): Promise<AuditReport> {
  const { cwd } = options;
  const { config, result } = await auditFiles(options);
  const report: AuditReport = {
    result,
    findings: selectFindings(result, options.minSeverity),
    failOn: options.failOn,
    severities: severityOverrides(config),
  };
  if (options.sarif) {
    const file = path.resolve(
      cwd,
      options.sarif.file ?? path.join(options.sarif.defaultDir, SARIF_FILE_NAME),
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, renderAuditReport(report, 'sarif'));
    report.sarifFile = file;
  }
  return report;
}
