import { code, type Markdown } from '@release-actions/core';
import type { Finding } from '../finding.js';
import type { AuditReport } from '../report.js';
import { rule, type RuleId } from '../rules.js';
import { severityRank } from '../severity.js';
import { summaryLine } from './text.js';

const MAX_LISTED = 100;

/** Findings by rule (most severe first), then the first findings with their positions. */
export function renderAuditSummary(report: AuditReport, doc: Markdown): Markdown {
  const { result, findings } = report;
  doc.heading('Workflow audit').paragraph(summaryLine(result, findings));
  const byRule = new Map<RuleId, Finding[]>();
  for (const f of findings) {
    const list = byRule.get(f.rule);
    if (list) list.push(f);
    else byRule.set(f.rule, [f]);
  }
  const rank = (list: Finding[]): number => Math.max(...list.map((f) => severityRank(f.severity)));
  const rows = [...byRule.entries()]
    .sort(([a, x], [b, y]) => rank(y) - rank(x) || a.localeCompare(b))
    .map(([id, list]) => [
      code(id),
      [...new Set(list.map((f) => f.severity))].join(', '),
      String(list.length),
      rule(id).summary,
    ]);
  if (rows.length > 0) doc.table(['Rule', 'Severity', 'Findings', 'What'], rows);
  if (findings.length > 0) {
    const items = findings
      .slice(0, MAX_LISTED)
      .map((f) => `${code(`${f.file}:${f.line}:${f.column}`)} **${f.rule}** ${f.severity}: ${f.message}`);
    if (findings.length > MAX_LISTED)
      items.push(`… and ${findings.length - MAX_LISTED} more in the SARIF report.`);
    doc.details('Findings', items.map((i) => `- ${i}`).join('\n'));
  }
  if (result.errors.length > 0) {
    doc
      .heading('Files that could not be audited', 3)
      .list(result.errors.map((e) => `${code(`${e.file}${e.line ? `:${e.line}` : ''}`)} ${e.message}`));
  }
  return doc;
}
