import { code, type Markdown } from '@release-actions/core';
import { isPushReport, type ChartReport } from './publish.js';

/** The outputs of the chart action (the CLI's --json prints the report itself). */
export function chartOutputs(report: ChartReport): Record<string, string | boolean> {
  const packaged = {
    name: report.name,
    version: report.version,
    package: report.package,
    pushed: report.pushed,
  };
  if (!isPushReport(report)) return packaged;
  return { reference: report.reference, digest: report.digest, 'chart-url': report.chartUrl, ...packaged };
}

const NOT_PUSHED = 'Not pushed (push: false): scan it, then push it with a chart step given `package`.';
const RERUN = 'The registry already held this version with the same files (a rerun); nothing was pushed.';

export function renderChartSummary(report: ChartReport, document: Markdown): Markdown {
  document.heading('Helm chart');
  if (!isPushReport(report)) {
    return document
      .table(
        ['Chart', 'Version', 'Packaged'],
        [[code(report.name), code(report.version), code(report.package)]],
      )
      .paragraph(NOT_PUSHED);
  }
  return document
    .table(
      ['Chart', 'Version', report.pushed ? 'Pushed to' : 'Already at', 'Digest'],
      [[code(report.name), code(report.version), code(report.chartUrl), code(report.digest)]],
    )
    .paragraph(`${report.pushed ? '' : `${RERUN} `}Sign and attest it by digest: ${code(report.reference)}.`);
}

/** The same report as plain text, for the command line. */
export function renderChartText(report: ChartReport): string {
  if (!isPushReport(report))
    return `Packaged ${report.name} ${report.version}: ${report.package} (not pushed)`;
  return [
    report.pushed
      ? `Pushed ${report.name} ${report.version} to ${report.chartUrl} as ${report.digest}.`
      : `${report.name} ${report.version} is already at ${report.chartUrl} as ${report.digest}. ${RERUN}`,
    `Sign and attest it by digest: ${report.reference}`,
  ].join('\n');
}
