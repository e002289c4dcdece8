import type { Scalar } from 'yaml';
import { expressionsIn, untrustedContext } from '../expressions.js';
import type { Action, Step, Workflow } from '../model.js';
import { asScalar, entry } from '../source.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

function checkScript(ctx: CheckContext, script: Scalar, where: string): void {
  for (const expression of expressionsIn(ctx.source, script)) {
    const untrusted = untrustedContext(expression.body);
    if (untrusted) {
      ctx.report(
        'INJ001',
        expression.position,
        `${untrusted} is set by whoever opens the event and is expanded into ${where}.`,
      );
    }
  }
}

/** run: scripts and actions/github-script's script: are code; an expression in them becomes code too. */
function checkSteps(ctx: CheckContext, steps: Step[]): void {
  for (const step of steps) {
    if (step.run) checkScript(ctx, step.run, 'run:');
    if (step.uses && isAction(step.uses.ref, 'actions/github-script')) {
      const script = asScalar(ctx.source, entry(ctx.source, step.with, 'script')?.value);
      if (script) checkScript(ctx, script, 'actions/github-script');
    }
  }
}

/** INJ001: text an outsider controls expanded into a script. */
export const injection: RuleFamily = {
  rules: ['INJ001'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    for (const job of workflow.jobs) checkSteps(ctx, job.steps);
  },
  action(ctx: CheckContext, action: Action): void {
    checkSteps(ctx, action.steps);
  },
};
