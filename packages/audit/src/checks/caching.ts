import { withText, type Action, type Step, type Workflow } from '../model.js';
import { scalarText } from '../source.js';
import { isAction, isSlsaGenerator, ownAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

/** Steps that restore a cache: actions/cache(/restore), setup-* with cache:, build-push-action cache-from. */
function cacheStep(ctx: CheckContext, step: Step): boolean {
  if (!step.uses) return false;
  const ref = step.uses.ref;
  if (isAction(ref, 'actions/cache') || isAction(ref, 'actions/cache/restore')) return true;
  if (ref.kind === 'remote' && /^actions\/setup-/.test(ref.name)) {
    const cache = withText(ctx.source, step, 'cache');
    return cache !== undefined && cache !== '' && cache !== 'false';
  }
  if (isAction(ref, 'docker/build-push-action')) {
    return (withText(ctx.source, step, 'cache-from') ?? '') !== '';
  }
  return false;
}

const RELEASE_ACTIONS = new Set(['sign', 'attest', 'publish', 'chart', 'release', 'release-workflow']);

function releaseStep(step: Step): boolean {
  if (step.uses) {
    const ref = step.uses.ref;
    const own = ownAction(ref);
    if (own && RELEASE_ACTIONS.has(own)) return true;
    if (isSlsaGenerator(ref)) return true;
    if (ref.kind === 'remote' && /^actions\/attest(-build-provenance|-sbom)?$/.test(ref.name)) return true;
    if (ref.kind === 'remote' && ref.name === 'softprops/action-gh-release') return true;
  }
  const script = scalarText(step.run) ?? '';
  return /\bcosign\s+(sign|attest)|\bgh\s+release\s+(create|upload)|\b(docker|helm|oras)\s+push\b/.test(
    script,
  );
}

function checkSteps(ctx: CheckContext, steps: Step[], owner: string): void {
  if (!steps.some(releaseStep)) return;
  for (const step of steps) {
    if (cacheStep(ctx, step)) {
      ctx.report(
        'CACHE001',
        step.uses!.node,
        `${owner} signs, attests or publishes and restores a cache (${step.uses!.value.split('@')[0]}).`,
      );
    }
  }
}

/** CACHE001: a cache restored where a release is signed, attested or published. */
export const caching: RuleFamily = {
  rules: ['CACHE001'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    for (const job of workflow.jobs) checkSteps(ctx, job.steps, `Job "${job.id}"`);
  },
  action(ctx: CheckContext, action: Action): void {
    checkSteps(ctx, action.steps, 'This action');
  },
};
