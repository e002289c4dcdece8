import { isMap, type Scalar } from 'yaml';
import { withText, type Step, type Workflow } from '../model.js';
import { asScalar, asSeq, deref, entries, position, scalarText } from '../source.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

const DANGEROUS = ['pull_request_target', 'workflow_run'];

const HEAD_CHECKOUT =
  /github\.event\.pull_request\.head\.|github\.head_ref|github\.event\.workflow_run\.head_|refs\/pull\//;

/** The first step that checks out the pull request head, if any. */
function headCheckout(ctx: CheckContext, workflow: Workflow): Step | undefined {
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      if (step.uses && isAction(step.uses.ref, 'actions/checkout')) {
        const ref = withText(ctx.source, step, 'ref') ?? '';
        const repository = withText(ctx.source, step, 'repository') ?? '';
        if (HEAD_CHECKOUT.test(ref) || /github\.event\.pull_request\.head\.repo/.test(repository))
          return step;
      }
      const script = scalarText(step.run);
      if (
        script &&
        (/\bgh\s+pr\s+checkout\b/.test(script) || /git\s+(fetch|checkout)\b.*(refs\/)?pull\//.test(script))
      ) {
        return step;
      }
    }
  }
  return undefined;
}

/** The event names under on:, written as a scalar, a list or the keys of a map. */
function triggerNodes(ctx: CheckContext, workflow: Workflow): Scalar[] {
  if (!workflow.on) return [];
  const source = ctx.source;
  const triggers: Scalar[] = [];
  const on = deref(source, workflow.on.value);
  const scalar = asScalar(source, on);
  if (scalar) triggers.push(scalar);
  for (const item of asSeq(source, on)?.items ?? []) {
    const s = asScalar(source, item);
    if (s) triggers.push(s);
  }
  if (isMap(on)) for (const e of entries(source, on)) triggers.push(e.key);
  return triggers;
}

/** TRIG001: events from forks that run with this repository's secrets, critical when the PR head is checked out. */
export const triggers: RuleFamily = {
  rules: ['TRIG001'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    const dangerous = triggerNodes(ctx, workflow).filter((t) => DANGEROUS.includes(scalarText(t) ?? ''));
    if (dangerous.length === 0) return;
    const head = headCheckout(ctx, workflow);
    for (const trigger of dangerous) {
      const name = scalarText(trigger);
      if (head) {
        const at = position(ctx.source, head.uses?.node ?? head.run ?? head.node);
        ctx.report(
          'TRIG001',
          trigger,
          `${name} runs with this repository's secrets and the step at line ${at.line} checks out the untrusted head commit.`,
          'critical',
        );
      } else {
        ctx.report(
          'TRIG001',
          trigger,
          `${name} runs with this repository's secrets and token on events from forks.`,
        );
      }
    }
  },
};
