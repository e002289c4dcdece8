/** A SHA that pins an action (any 40 hex digits will do for the audit). */
export const PINNED_SHA = 'a'.repeat(40);

export interface OneJobWorkflow {
  /** The value of `on:`; push by default. */
  on?: string;
  /** The top-level `permissions:`; `{}` by default. */
  top?: string;
  /** The job's id; `test` by default. */
  id?: string;
  /** The job's `permissions:`; none when not given. */
  job?: string;
  /** Lines of the job between `runs-on:` and `steps:` (indented as job keys already). */
  jobLines?: string[];
  /** Extra `with:` lines of the harden-runner step. */
  harden?: string[];
  /** The steps after harden-runner, each line relative to the step list. */
  steps: string[];
}

/**
 * A workflow of one job that starts with a blocking harden-runner, so that a test sees only the
 * findings of the steps it gives.
 */
export function oneJobWorkflow(options: OneJobWorkflow): string {
  return [
    'name: t',
    `on: ${options.on ?? 'push'}`,
    `permissions: ${options.top ?? '{}'}`,
    'jobs:',
    `  ${options.id ?? 'test'}:`,
    '    runs-on: ubuntu-latest',
    ...(options.job === undefined ? [] : [`    permissions: ${options.job}`]),
    ...(options.jobLines ?? []),
    '    steps:',
    `      - uses: step-security/harden-runner@${PINNED_SHA} # v2.13.1`,
    '        with:',
    '          egress-policy: block',
    ...(options.harden ?? []).map((s) => `          ${s}`),
    ...options.steps.map((s) => `      ${s}`),
    '',
  ].join('\n');
}
