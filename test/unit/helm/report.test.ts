import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import { chartOutputs, renderChartSummary, renderChartText, type ChartReport } from '@release-actions/helm';

/** The chart step's report: the action's outputs, its job summary, and the CLI's text, from one value. */
const digest = `sha256:${'d'.repeat(64)}`;
const packaged: ChartReport = {
  name: 'demo',
  version: '1.2.3+b.7',
  package: '/tmp/demo-1.2.3+b.7.tgz',
  pushed: false,
};
const pushed: ChartReport = {
  name: 'demo',
  version: '1.2.3+b.7',
  package: '/tmp/demo-1.2.3+b.7.tgz',
  repository: 'ghcr.io/org/charts/demo',
  tag: '1.2.3_b.7',
  digest,
  reference: `ghcr.io/org/charts/demo@${digest}`,
  chartUrl: 'oci://ghcr.io/org/charts/demo:1.2.3_b.7',
  pushed: true,
};

describe('chart report', () => {
  it('outputs name, version and package only when it was not pushed', () => {
    expect(chartOutputs(packaged)).toEqual({
      name: 'demo',
      version: '1.2.3+b.7',
      package: '/tmp/demo-1.2.3+b.7.tgz',
      pushed: false,
    });
    expect(chartOutputs(pushed)).toEqual({
      reference: `ghcr.io/org/charts/demo@${digest}`,
      digest,
      'chart-url': 'oci://ghcr.io/org/charts/demo:1.2.3_b.7',
      name: 'demo',
      version: '1.2.3+b.7',
      package: '/tmp/demo-1.2.3+b.7.tgz',
      pushed: true,
    });
  });

  it('summarises a push, and a rerun that pushed nothing, with the digest to sign', () => {
    const summary = renderChartSummary(pushed, new Markdown()).toString();
    expect(summary).toContain('| Chart | Version | Pushed to | Digest |');
    expect(summary).toContain(`Sign and attest it by digest: \`ghcr.io/org/charts/demo@${digest}\`.`);
    const rerun = renderChartSummary({ ...pushed, pushed: false }, new Markdown()).toString();
    expect(rerun).toContain('| Chart | Version | Already at | Digest |');
    expect(rerun).toContain('nothing was pushed');
    expect(renderChartSummary(packaged, new Markdown()).toString()).toContain('Not pushed (push: false)');
  });

  it('prints the same facts as text', () => {
    expect(renderChartText(packaged)).toBe('Packaged demo 1.2.3+b.7: /tmp/demo-1.2.3+b.7.tgz (not pushed)');
    expect(renderChartText(pushed)).toBe(
      [
        `Pushed demo 1.2.3+b.7 to oci://ghcr.io/org/charts/demo:1.2.3_b.7 as ${digest}.`,
        `Sign and attest it by digest: ghcr.io/org/charts/demo@${digest}`,
      ].join('\n'),
    );
  });
});
