import {
  auditPaths,
  formatJson,
  formatSarif,
  formatText,
  loadConfig,
  selectFindings,
  severityOverrides,
  SEVERITIES,
  verdict,
  type Finding,
} from '@release-actions/audit';
import { InputError, PolicyError } from '@release-actions/core';
import {
  actionLogger,
  annotate,
  checkPath,
  readEnum,
  readMultiline,
  readPath,
  readString,
  runAction,
  setOutput,
  writeSummary,
} from '@release-actions/kit';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditSummary } from './summary.js';

function level(finding: Finding): 'error' | 'warning' | 'notice' {
  return finding.severity === 'critical' || finding.severity === 'high'
    ? 'error'
    : finding.severity === 'medium'
      ? 'warning'
      : 'notice';
}

await runAction(async () => {
  const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
  const paths = readMultiline('paths').map((p) => checkPath('paths', p, { mustExist: 'any' }));
  const format = readEnum('format', ['text', 'json', 'sarif'] as const, { default: 'text' })!;
  const minSeverity = readEnum('min-severity', SEVERITIES, { default: 'low' })!;
  const failOn = readEnum('fail-on', [...SEVERITIES, 'none'] as const, { default: 'high' })!;
  const configFile = readString('config');
  const runnerTemp = process.env.RUNNER_TEMP || os.tmpdir();
  const sarifFile =
    readPath('sarif-file', { allowOutsideWorkspace: true }) ??
    path.join(runnerTemp, 'release-actions-audit.sarif');
  if (configFile !== undefined) checkPath('config', configFile, { mustExist: 'file' });

  const config = loadConfig(workspace, configFile);
  const result = auditPaths(workspace, paths, { config, logger: actionLogger });
  const findings = selectFindings(result, minSeverity);

  mkdirSync(path.dirname(sarifFile), { recursive: true });
  const sarif = formatSarif(result, findings, { severities: severityOverrides(config) });
  writeFileSync(sarifFile, sarif);
  actionLogger.info(
    format === 'json'
      ? formatJson(result, findings)
      : format === 'sarif'
        ? sarif
        : formatText(result, findings),
  );
  for (const f of findings) {
    annotate(level(f), `${f.message} Fix: ${f.fix}`, {
      file: f.file,
      startLine: f.line,
      startColumn: f.column,
      title: `${f.rule} (${f.severity})`,
    });
  }
  for (const e of result.errors)
    annotate('error', e.message, { file: e.file, startLine: e.line, startColumn: e.column });

  setOutput('sarif', sarifFile);
  setOutput('findings', findings.length);
  await writeSummary(auditSummary(result, findings));

  const outcome = verdict(result, failOn, findings);
  if (outcome === 2) {
    throw new InputError(
      `${result.errors.length} file(s) could not be audited; first: ${result.errors[0]!.file}: ${result.errors[0]!.message}`,
    );
  }
  if (outcome === 1) {
    const failing = findings.filter(
      (f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(failOn as never),
    );
    throw new PolicyError(
      `${failing.length} finding(s) at or above ${failOn}; see the annotations and ${sarifFile}.`,
    );
  }
});
