import {
  auditAnnotations,
  auditOutputs,
  auditWorkflows,
  renderAuditReport,
  renderAuditSummary,
  REPORT_FORMATS,
  SEVERITIES,
  verdict,
} from '@release-actions/audit/workflows';
import { enforceVerdict, Markdown } from '@release-actions/core';
import {
  actionLogger,
  annotate,
  checkPath,
  readEnum,
  readMultiline,
  readPath,
  readString,
  runAction,
  runnerTemp,
  setOutputs,
  workspace,
  writeSummary,
} from '@release-actions/kit';

await runAction(async () => {
  const paths = readMultiline('paths').map((p) => checkPath('paths', p, { mustExist: 'any' }));
  const format = readEnum('format', REPORT_FORMATS, { default: 'text' });
  const minSeverity = readEnum('min-severity', SEVERITIES, { default: 'low' });
  const failOn = readEnum('fail-on', [...SEVERITIES, 'none'] as const, { default: 'high' });
  const config = readString('config');
  if (config !== undefined) checkPath('config', config, { mustExist: 'file' });
  const sarifFile = readPath('sarif-file', { allowOutsideWorkspace: true });

  const report = await auditWorkflows({
    cwd: workspace(),
    paths,
    config,
    minSeverity,
    failOn,
    sarif: { file: sarifFile, defaultDir: runnerTemp() },
    logger: actionLogger,
  });

  actionLogger.info(renderAuditReport(report, format));
  for (const { level, message, ...location } of auditAnnotations(report)) annotate(level, message, location);
  setOutputs(auditOutputs(report));
  await writeSummary(renderAuditSummary(report, new Markdown()));
  enforceVerdict(verdict(report));
});
