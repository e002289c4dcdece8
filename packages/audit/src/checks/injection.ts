import type { Scalar } from 'yaml';
import { expressionsIn, parseFound, type Expression } from '../expressions.js';
import type { Action, Job, Step, Workflow } from '../model.js';
import { asScalar, entry } from '../source.js';
import { taintOf, type Taint } from '../taint.js';
import { EnvLevel, strongest, TaintScope } from '../taint-scope.js';
import { isAction } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

/** A script an expression is spliced into, and how that script reads an environment variable. */
interface Sink {
  where: string;
  variable: (name: string) => string;
}

const GITHUB_SCRIPT: Sink = { where: "actions/github-script's script", variable: (n) => `process.env.${n}` };

function runSink(shell: string | undefined): Sink {
  const name = (shell ?? '').trim().split(/\s+/)[0]?.toLowerCase();
  if (name === 'pwsh' || name === 'powershell')
    return { where: 'the run: script', variable: (n) => `$env:${n}` };
  if (name === 'cmd') return { where: 'the run: script', variable: (n) => `%${n}%` };
  if (name === 'python') return { where: 'the run: script', variable: (n) => `os.environ["${n}"]` };
  return { where: 'the run: script', variable: (n) => `"$${n}"` };
}

/** An environment variable name for a value: its last property (`title` → TITLE), or VALUE. */
function variableName(path: string): string {
  const words = path.split(/[^\w-]+/).filter((w) => w !== '' && !/^\d+$/.test(w));
  const last = words.at(-1)?.replace(/-/g, '_').toUpperCase();
  return last && /^[A-Z_]/.test(last) ? last : 'VALUE';
}

function message(expression: Expression, taint: Taint, sink: Sink): string {
  const env = /^env\.([A-Za-z_]\w*)$/i.exec(taint.path)?.[1];
  const hint = env
    ? `Use ${sink.variable(env)} instead: the value is in the environment already.`
    : `Pass it through env: (\`env: ${variableName(taint.path)}: ${expression.text}\`) and use ${sink.variable(variableName(taint.path))}.`;
  return `${taint.path} is ${taint.reason}, and is expanded into ${sink.where}. ${hint}`;
}

/**
 * An expression GitHub's parser rejects is reported, not skipped: GitHub would reject the workflow,
 * and a parser behind GitHub's (a function added since) must not turn into a silent pass.
 */
function unparsable(expression: Expression, error: string, sink: Sink): string {
  return `${expression.text} does not parse as a GitHub expression (${error}): GitHub rejects the workflow, and what it puts into ${sink.where} cannot be judged. Fix the expression.`;
}

function checkScript(
  ctx: CheckContext,
  scope: TaintScope,
  script: Scalar,
  sink: Sink,
  job: Job | undefined,
  step: Step,
): void {
  const resolve = scope.resolver({ job, step: step.index, env: EnvLevel.Step });
  for (const expression of expressionsIn(ctx.source, script)) {
    const parsed = parseFound(expression);
    if (!parsed.ok) {
      ctx.report('INJ001', expression.position, unparsable(expression, parsed.error, sink));
      continue;
    }
    const taint = strongest(taintOf(parsed.expr, resolve));
    if (taint) ctx.report('INJ001', expression.position, message(expression, taint, sink), taint.severity);
  }
}

/** run: scripts and actions/github-script's script: are code; an expression in them becomes code too. */
function checkSteps(ctx: CheckContext, scope: TaintScope, job: Job | undefined, steps: Step[]): void {
  for (const step of steps) {
    if (step.run) checkScript(ctx, scope, step.run, runSink(step.shell), job, step);
    if (step.uses && isAction(step.uses.ref, 'actions/github-script')) {
      const script = asScalar(ctx.source, entry(ctx.source, step.with, 'script')?.value);
      if (script) checkScript(ctx, scope, script, GITHUB_SCRIPT, job, step);
    }
  }
}

/** INJ001: text someone else chose expanded into a script. */
export const injection: RuleFamily = {
  rules: ['INJ001'],
  workflow(ctx: CheckContext, workflow: Workflow): void {
    const scope = new TaintScope(ctx.source, workflow);
    for (const job of workflow.jobs) checkSteps(ctx, scope, job, job.steps);
  },
  action(ctx: CheckContext, action: Action): void {
    checkSteps(ctx, new TaintScope(ctx.source, action), undefined, action.steps);
  },
};
