import { code, plainStyle, type Markdown, type TextStyle } from '@release-actions/core';
import {
  fileLine,
  policyLine,
  reportJson,
  reportRows,
  reportText,
  TABLE_HEADERS,
  verdictLine,
  VEX_TABLE_HEADERS,
  vexRows,
} from './report.js';
import type { VerifyResult } from './result.js';

/** The action's outputs: the verdict, the digest and the report as JSON, or the digest and the commands. */
export function verifyOutputs(result: VerifyResult): Record<string, string | boolean> {
  if (result.emit === 'commands') {
    return { digest: result.emitted.digest, commands: result.emitted.markdown };
  }
  const { report } = result;
  return { verified: report.verdict === 'passed', digest: report.digest, report: reportJson(report) };
}

/** The job summary: verdict, policy, one row per check and digest, and the commands to repeat it. */
export function renderVerifySummary(result: VerifyResult, summary: Markdown): Markdown {
  if (result.emit === 'commands') return summary.raw(result.emitted.markdown);
  const { report, command } = result;
  summary.heading('Verification').paragraph(verdictLine(report));
  if (report.warning) summary.paragraph(`> [!WARNING]\n> ${report.warning}`);
  if (report.file) summary.paragraph(fileLine(report.file));
  summary
    .paragraph(
      `Policy: ${policyLine(report.policy)}; identity ${code(report.policy.identityRegexp)}; engine ${report.engine}.`,
    )
    .table(TABLE_HEADERS, reportRows(report));
  const vex = vexRows(report);
  if (vex.length > 0) {
    summary
      .paragraph(
        'VEX: the vulnerabilities the publisher declares not affecting the image (OpenVEX, verified):',
      )
      .table(VEX_TABLE_HEADERS, vex);
  }
  return summary.paragraph('Reproduce by hand:').codeBlock([command, ...report.commands].join('\n'), 'sh');
}

/** The same as text, for the log and the CLI: the report and its command, or the commands' Markdown. */
export function renderVerifyText(result: VerifyResult, style: TextStyle = plainStyle): string {
  if (result.emit === 'commands') return result.emitted.markdown.trimEnd();
  return `${reportText(result.report, style)}\n  ${result.command}`;
}
