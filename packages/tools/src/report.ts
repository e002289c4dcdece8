import { code, type Markdown } from '@release-actions/core';
import type { Installed } from './install.js';

/** The setup action's outputs: each tool's executable and version. */
export function setupOutputs(installed: readonly Installed[]): Record<string, string> {
  return Object.fromEntries(
    installed.flatMap((tool) => [
      [`${tool.tool}-path`, tool.path],
      [`${tool.tool}-version`, tool.version],
    ]),
  );
}

/** The job summary: one row per tool with the SHA-256 it was verified against and where it came from. */
export function renderSetupSummary(installed: readonly Installed[], summary: Markdown): Markdown {
  return summary.heading('Release tools').table(
    ['Tool', 'Version', 'Platform', 'SHA-256', 'Source'],
    installed.map((t) => [
      t.tool,
      t.version,
      t.platform,
      code(t.sha256),
      t.source === 'cache' ? 'cache hit' : 'download',
    ]),
  );
}

/** `release-actions install`'s result: "tool version path", one line per tool. */
export function renderSetupText(installed: readonly Installed[]): string {
  return installed.map((t) => `${t.tool} ${t.version} ${t.path}`).join('\n');
}
