import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import { renderSetupSummary, renderSetupText, setupOutputs, type Installed } from '@release-actions/tools';

/** What the setup action and `release-actions install` write from one install, from the package alone. */
const installed: Installed[] = [
  {
    tool: 'cosign',
    version: 'v3.0.2',
    platform: 'linux-x64',
    path: '/cache/cosign/3.0.2/x64/cosign',
    dir: '/cache/cosign/3.0.2/x64',
    sha256: 'a'.repeat(64),
    source: 'download',
  },
  {
    tool: 'slsa-verifier',
    version: 'v2.7.1',
    platform: 'linux-x64',
    path: '/cache/slsa-verifier/2.7.1/x64/slsa-verifier',
    dir: '/cache/slsa-verifier/2.7.1/x64',
    sha256: 'b'.repeat(64),
    source: 'cache',
  },
];

describe('the installed tools, for both front ends', () => {
  it('outputs the path and version of each tool', () => {
    expect(setupOutputs(installed)).toEqual({
      'cosign-path': '/cache/cosign/3.0.2/x64/cosign',
      'cosign-version': 'v3.0.2',
      'slsa-verifier-path': '/cache/slsa-verifier/2.7.1/x64/slsa-verifier',
      'slsa-verifier-version': 'v2.7.1',
    });
  });

  it('summarises one row per tool with its checksum and source; the text is "tool version path" lines', () => {
    const summary = renderSetupSummary(installed, new Markdown()).toString();
    expect(summary).toContain('## Release tools');
    expect(summary).toContain(`| cosign | v3.0.2 | linux-x64 | \`${'a'.repeat(64)}\` | download |`);
    expect(summary).toContain(`| slsa-verifier | v2.7.1 | linux-x64 | \`${'b'.repeat(64)}\` | cache hit |`);
    expect(renderSetupText(installed)).toBe(
      'cosign v3.0.2 /cache/cosign/3.0.2/x64/cosign\nslsa-verifier v2.7.1 /cache/slsa-verifier/2.7.1/x64/slsa-verifier',
    );
  });
});
