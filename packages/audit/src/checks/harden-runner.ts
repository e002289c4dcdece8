import type { Job, Step, Workflow } from '../model.js';
import { isPrivileged, readPermissions, type Permissions } from '../permissions.js';
import { asScalar, deref, entry, scalarText } from '../source.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

const HARDEN_RUNNER = 'step-security/harden-runner';

function isHardenRunner(step: Step): boolean {
  return step.uses !== undefined && isAction(step.uses.ref, HARDEN_RUNNER);
}

/** Jobs calling a reusable workflow or running in a container are out of harden-runner's reach. */
function checkJob(ctx: CheckContext, job: Job, workflowPerms: Permissions | undefined): void {
  if (job.uses || job.container) return;
  const privileged = isPrivileged(ctx.source, job, workflowPerms);
  const index = job.steps.findIndex(isHardenRunner);
  if (index < 0) {
    ctx.report(
      'HR001',
      job.key,
      `Job "${job.id}" does not start with step-security/harden-runner${privileged ? ' and holds write access or secrets' : ''}.`,
      privileged ? 'high' : 'medium',
    );
    return;
  }
  const step = job.steps[index]!;
  if (index > 0) {
    ctx.report(
      'HR002',
      step.uses!.node,
      `harden-runner is step ${index + 1} of job "${job.id}"; it must be the first.`,
    );
  }
  const policy = entry(ctx.source, step.with, 'egress-policy');
  const value = scalarText(asScalar(ctx.source, policy?.value));
  if (!policy || value === undefined) {
    ctx.report('HR003', step.uses!.node, `harden-runner in job "${job.id}" has no explicit egress-policy.`);
  } else if (value === 'audit' && privileged) {
    ctx.report(
      'HR003',
      deref(ctx.source, policy.value),
      `Job "${job.id}" holds write access or secrets but harden-runner only audits egress.`,
    );
  }
}

/** HR001–HR003: step-security/harden-runner first in every job, with an egress policy that fits the job. */
export const hardenRunner: RuleFamily = {
  rules: ['HR001', 'HR002', 'HR003'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    // What a job without its own permissions: block holds.
    const perms = workflow.permissions ? readPermissions(ctx.source, workflow.permissions) : undefined;
    for (const job of workflow.jobs) checkJob(ctx, job, perms);
  },
};
