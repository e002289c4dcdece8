import type { AuditResult, Finding } from '../finding.js';

export function formatJson(result: AuditResult, findings: readonly Finding[]): string {
  return `${JSON.stringify(
    {
      findings,
      errors: result.errors,
      skipped: result.skipped,
      files: result.files.length,
      suppressed: result.suppressed,
    },
    null,
    2,
  )}\n`;
}
