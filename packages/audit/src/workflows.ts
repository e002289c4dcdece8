/**
 * What the audit action needs: the audit of a workspace and the ways to show its report. An entry
 * point of its own (@release-actions/audit/workflows): through the package's index, which also
 * exports the parser, the checks and the fixer, esbuild would put yaml and all the checks into the
 * action's first chunk; from here they load only when auditWorkflows has a file to read.
 */
export { auditWorkflows } from './audit-workflows.js';
export type { AuditWorkflowsOptions } from './audit-workflows.js';
export { auditOutputs, renderAuditReport, REPORT_FORMATS, verdict } from './report.js';
export type { AuditReport, ReportFormat } from './report.js';
export { renderAuditSummary } from './format/summary.js';
export { auditAnnotations } from './format/annotations.js';
export { SEVERITIES } from './severity.js';
