import { errorLocation, type AuditResult, type Finding } from '../finding.js';
import { SEVERITIES } from '../severity.js';

/** `file:line:col severity RULE message`, one finding per line, the fix indented below it. */
export function formatText(result: AuditResult, findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
    lines.push(`  fix: ${f.fix}`);
  }
  for (const e of result.errors) {
    lines.push(`${errorLocation(e)} error ${e.message}`);
  }
  lines.push(summaryLine(result, findings));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(result: AuditResult, findings: readonly Finding[]): string {
  const counts = [...SEVERITIES]
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const audited = result.files.length - result.skipped.length - result.errors.length;
  const parts = [
    `${findings.length} finding${findings.length === 1 ? '' : 's'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`,
    `${audited} file${audited === 1 ? '' : 's'} audited`,
  ];
  if (result.skipped.length > 0) parts.push(`${result.skipped.length} skipped`);
  if (result.suppressed > 0) parts.push(`${result.suppressed} suppressed`);
  if (result.errors.length > 0)
    parts.push(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}
