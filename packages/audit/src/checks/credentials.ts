import { expressionsIn, referencesSecret } from '../expressions.js';
import { withText, type Action, type Job, type Step, type Workflow } from '../model.js';
import { asScalar, scalarText } from '../source.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

/** CRED001 for checkout steps, CRED003 for secrets expanded into run: scripts. */
function checkSteps(ctx: CheckContext, steps: Step[]): void {
  for (const step of steps) {
    if (
      step.uses &&
      isAction(step.uses.ref, 'actions/checkout') &&
      withText(ctx.source, step, 'persist-credentials') !== 'false'
    ) {
      ctx.report(
        'CRED001',
        step.uses.node,
        'actions/checkout persists the token in .git/config (no persist-credentials: false).',
      );
    }
    if (!step.run) continue;
    for (const expression of expressionsIn(ctx.source, step.run)) {
      if (referencesSecret(expression.body)) {
        ctx.report(
          'CRED003',
          expression.position,
          `${expression.text} is expanded into the run: script text.`,
        );
      }
    }
  }
}

function checkSecretsInherit(ctx: CheckContext, job: Job): void {
  const value = asScalar(ctx.source, job.secrets?.value);
  if (value && scalarText(value) === 'inherit') {
    ctx.report(
      'CRED002',
      value,
      `Job "${job.id}" passes every secret to ${job.uses?.value ?? 'the called workflow'}.`,
    );
  }
}

/** CRED001–CRED003: where the token and the secrets end up. */
export const credentials: RuleFamily = {
  rules: ['CRED001', 'CRED002', 'CRED003'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    for (const job of workflow.jobs) {
      checkSteps(ctx, job.steps);
      checkSecretsInherit(ctx, job);
    }
  },
  action(ctx: CheckContext, action: Action): void {
    checkSteps(ctx, action.steps);
  },
};
