import { withText, type Action, type Step, type Workflow } from '../model.js';
import { readPermissions } from '../permissions.js';
import { releaseReasons, releaseStepReason, releaseTriggers, stepName } from '../release-job.js';
import { isAction, ownAction, type UsesRef } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

/**
 * Actions that restore a cache when an input allows it, and whether they do when the input is not
 * written. setup-go caches by default since v4; setup-qemu-action (cache-image, v3.3) and
 * setup-buildx-action (cache-binary, v3.8) cache what they download unless told not to. Our scan's
 * default is in scan/action.yml.
 */
interface CacheInput {
  matches: (ref: UsesRef) => boolean;
  input: string;
  onByDefault: boolean;
}

const CACHE_INPUTS: readonly CacheInput[] = [
  { matches: (ref) => isAction(ref, 'actions/setup-go'), input: 'cache', onByDefault: true },
  {
    matches: (ref) => ref.kind === 'remote' && /^actions\/setup-/.test(ref.name),
    input: 'cache',
    onByDefault: false,
  },
  { matches: (ref) => isAction(ref, 'docker/build-push-action'), input: 'cache-from', onByDefault: false },
  { matches: (ref) => isAction(ref, 'docker/setup-qemu-action'), input: 'cache-image', onByDefault: true },
  { matches: (ref) => isAction(ref, 'docker/setup-buildx-action'), input: 'cache-binary', onByDefault: true },
  { matches: (ref) => ownAction(ref) === 'scan', input: 'cache-db', onByDefault: false },
];

/** Off only when written off: an expression may be true at run time. */
function isOff(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === '' || v === 'false';
}

/** How a step restores a cache, for the message; undefined when it does not. */
function cacheUse(ctx: CheckContext, step: Step): string | undefined {
  if (!step.uses) return undefined;
  const ref = step.uses.ref;
  if (isAction(ref, 'actions/cache') || isAction(ref, 'actions/cache/restore')) return stepName(step);
  const rule = CACHE_INPUTS.find((r) => r.matches(ref));
  if (!rule) return undefined;
  const value = withText(ctx.source, step, rule.input);
  if (value === undefined) {
    return rule.onByDefault ? `${stepName(step)}, which caches unless ${rule.input}: false` : undefined;
  }
  return isOff(value) ? undefined : `${stepName(step)} with ${rule.input}: ${value.trim()}`;
}

function checkSteps(ctx: CheckContext, steps: Step[], owner: string, reasons: string[]): void {
  if (reasons.length === 0) return;
  for (const step of steps) {
    const use = cacheUse(ctx, step);
    if (use) {
      ctx.report(
        'CACHE001',
        step.uses!.node,
        `${owner} restores a cache (${use}) and is a release job: ${reasons.join('; ')}.`,
      );
    }
  }
}

/**
 * CACHE001: a cache restored in a release job — one that signs, attests or publishes, holds a token
 * that can (id-token, packages or contents write), or runs on tag pushes or release events.
 */
export const caching: RuleFamily = {
  rules: ['CACHE001'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    const perms = workflow.permissions ? readPermissions(ctx.source, workflow.permissions) : undefined;
    const triggers = releaseTriggers(ctx.source, workflow);
    for (const job of workflow.jobs) {
      checkSteps(ctx, job.steps, `Job "${job.id}"`, releaseReasons(ctx.source, job, perms, triggers));
    }
  },
  action(ctx: CheckContext, action: Action): void {
    const byStep = releaseStepReason(action.steps);
    checkSteps(ctx, action.steps, 'This action', byStep ? [byStep] : []);
  },
};
