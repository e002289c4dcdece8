import { withText, type Job, type Step, type Workflow } from '../model.js';
import { effectivePermissions, isPrivileged, readPermissions, type Permissions } from '../permissions.js';
import { signingStep, stepName } from '../release-job.js';
import { asScalar, deref, entry, scalarText } from '../source.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

const HARDEN_RUNNER = 'step-security/harden-runner';

function isHardenRunner(step: Step): boolean {
  return step.uses !== undefined && isAction(step.uses.ref, HARDEN_RUNNER);
}

/** Write scopes a job that only signs needs: the OIDC token, and GitHub's attestation store. */
const SIGNING_SCOPES = new Set(['id-token', 'attestations']);

/** A token that reads and, at most, signs: no write scope but id-token and attestations. */
function readsAndSigns(perms: Permissions | undefined): boolean {
  if (!perms) return false;
  if (perms.kind === 'shorthand') return perms.value === 'read-all';
  if (perms.kind !== 'scopes') return false;
  return perms.grants.every((g) => g.level !== 'write' || SIGNING_SCOPES.has(g.scope));
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * HR004: a job that only reads and signs needs neither sudo nor containers; with them, a step can
 * become root or run a container beside harden-runner's watch. `disable-sudo` (the older input)
 * leaves the docker group, which is root by another door.
 */
function checkSudo(ctx: CheckContext, job: Job, step: Step, workflowPerms: Permissions | undefined): void {
  if (!readsAndSigns(effectivePermissions(ctx.source, job, workflowPerms))) return;
  const signing = job.steps.find(signingStep);
  if (!signing) return;
  if (isTrue(withText(ctx.source, step, 'disable-sudo-and-containers'))) return;
  const older = isTrue(withText(ctx.source, step, 'disable-sudo'))
    ? ' (disable-sudo: true still leaves the docker group, root by another door)'
    : '';
  ctx.report(
    'HR004',
    step.uses!.node,
    `Job "${job.id}" only reads and signs (${stepName(signing)}) but harden-runner does not set disable-sudo-and-containers: true${older}.`,
  );
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
  checkSudo(ctx, job, step, workflowPerms);
}

/**
 * HR001–HR004: step-security/harden-runner first in every job, with an egress policy that fits the
 * job, and without sudo or containers where the job only reads and signs.
 */
export const hardenRunner: RuleFamily = {
  rules: ['HR001', 'HR002', 'HR003', 'HR004'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    // What a job without its own permissions: block holds.
    const perms = workflow.permissions ? readPermissions(ctx.source, workflow.permissions) : undefined;
    for (const job of workflow.jobs) checkJob(ctx, job, perms);
  },
};
