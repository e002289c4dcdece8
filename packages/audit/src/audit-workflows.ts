import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@release-actions/core';
import { auditPaths, auditSources } from './audit.js';
import { loadConfig } from './config.js';
import { applyFixes } from './fix.js';
import { renderAuditReport, selectFindings, severityOverrides, type AuditReport } from './report.js';
import type { Severity } from './severity.js';

/** The SARIF report's name when no file is given. */
export const SARIF_FILE_NAME = 'release-actions-audit.sarif';

export interface AuditWorkflowsOptions {
  /** The folder paths and the config are relative to and findings are named from: the workspace, or the current folder. */
  cwd: string;
  /** Files or folders; none means .github/workflows and every action.yml / action.yaml. */
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

/** The audit both front ends run: the action and `release-actions audit` differ only in how they show the report. */
export function auditWorkflows(options: AuditWorkflowsOptions): AuditReport {
  const { cwd, logger } = options;
  const config = loadConfig(cwd, options.config);
  const result = options.fix
    ? auditSources(applyFixes(cwd, options.paths, logger), { config, logger })
    : auditPaths(cwd, options.paths, { config, logger });
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
