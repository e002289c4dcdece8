import * as core from '@actions/core';
import type { Markdown } from '@release-actions/core';

/** Appends the document to the job summary; outside a runner (no GITHUB_STEP_SUMMARY) it does nothing. */
export async function writeSummary(document: Markdown): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(document.toString(), true).write();
}
