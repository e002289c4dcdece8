import type { Markdown } from '@release-actions/core';
import type { JobResult } from './receipt-input.js';
import { PIPELINE_EDGES, type Receipt, type ReceiptJobState } from './receipt.js';
import { safeUrl } from './receipt-text.js';

export const RECEIPT_HEADERS = [
  'artifact',
  'digest',
  'signature',
  'SPDX SBOM',
  'CycloneDX SBOM',
  'SLSA provenance',
  'gate',
  'verify',
] as const;

const LEGEND =
  '<sub>n/a: does not apply (an index carries the signature and the provenance, each platform its own SBOMs). ' +
  '— (job result): not made, because that job did not succeed. Verified: checked by the verify job as a consumer checks it.</sub>';

export interface ReceiptRenderOptions {
  /** The run's page, shown as a link when it is a plain https URL. */
  runUrl?: string;
}

/**
 * The receipt as Markdown: how the run ended, the artifact table and the pipeline diagram. The
 * same document goes to the job summary and into the release notes; cells are already safe
 * Markdown and the builder escapes them for the table.
 */
export function renderReceipt(
  receipt: Receipt,
  document: Markdown,
  options: ReceiptRenderOptions = {},
): Markdown {
  document.heading('Release receipt').paragraph(receipt.status);
  const run = safeUrl(options.runUrl);
  const subject = [receipt.subject, run ? `[the run](${run})` : ''].filter((part) => part !== '').join(' · ');
  if (subject !== '') document.paragraph(subject);
  document.table(
    RECEIPT_HEADERS,
    receipt.rows.map((row) => [
      row.artifact,
      row.digest,
      row.signature,
      row.spdx,
      row.cyclonedx,
      row.provenance,
      row.gate,
      row.verify,
    ]),
  );
  document.paragraph(LEGEND);
  if (receipt.jobs.length > 0) document.codeBlock(pipelineDiagram(receipt.jobs), 'mermaid');
  if (receipt.problems.length > 0) document.list(receipt.problems);
  return document;
}

/** Colours of GitHub's own success, failure and neutral states (Primer), for light and dark themes. */
const CLASS_DEFS: Record<JobResult, string> = {
  success: 'fill:#dafbe1,stroke:#1a7f37,color:#0f2d16',
  failure: 'fill:#ffebe9,stroke:#cf222e,color:#5c0a0f',
  cancelled: 'fill:#fff8c5,stroke:#9a6700,color:#3b2300',
  skipped: 'fill:#f6f8fa,stroke:#8c959f,color:#424a53,stroke-dasharray:4 3',
};

/**
 * A Mermaid `flowchart LR` of the jobs, each styled by its result. Node ids and labels are made
 * only of the characters [A-Za-z0-9_] and our own words, whatever the job ids are, so no input
 * can break out of a label or declare a directive.
 */
export function pipelineDiagram(jobs: readonly ReceiptJobState[]): string {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const job of jobs) {
    const base = `job_${job.id.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 48)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(job.id, id);
  }
  const lines = ['flowchart LR'];
  for (const job of jobs) {
    const label = job.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
    const state = job.blocked ? 'blocked' : job.result;
    lines.push(`  ${ids.get(job.id)}["${label}<br/>${state}"]:::${job.result}`);
  }
  for (const [from, to] of PIPELINE_EDGES) {
    const a = ids.get(from);
    const b = ids.get(to);
    if (a !== undefined && b !== undefined) lines.push(`  ${a} --> ${b}`);
  }
  for (const result of Object.keys(CLASS_DEFS) as JobResult[]) {
    lines.push(`  classDef ${result} ${CLASS_DEFS[result]}`);
  }
  return lines.join('\n');
}

/** The page of this run's attempt, from the runner's environment, or undefined outside a runner. */
export function runUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  if (!server || !repository || !run || !/^\d+$/.test(run)) return undefined;
  const attempt =
    env.GITHUB_RUN_ATTEMPT && /^\d+$/.test(env.GITHUB_RUN_ATTEMPT)
      ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
      : '';
  return safeUrl(`${server}/${repository}/actions/runs/${run}${attempt}`);
}
