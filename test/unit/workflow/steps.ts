import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workflow } from './model.js';

/**
 * The shell steps of a workflow run with bash as the runner runs them (their env, a GITHUB_OUTPUT
 * file, a working directory), and GitHub's expression evaluator over the values a job would see:
 * what the tests of several images need to expand the matrix jobs of release.yml.
 */

export function stepScript(workflow: Workflow, job: string, id: string): string {
  const step = workflow.jobs?.[job]?.steps?.find((s) => s.id === id);
  if (!step?.run) throw new Error(`no run step ${job}.${id}`);
  return step.run;
}

/** The file commands' outputs, `name=value` lines and `name<<DELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${block[1]} has no closing ${block[2]}`);
      outputs[block[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  errors: string[];
}

/** Runs a step's script in `cwd` (a fresh directory by default) with only `env` and PATH. */
export function runStep(
  workflow: Workflow,
  job: string,
  id: string,
  env: Record<string, string>,
  scratch: string,
  cwd?: string,
): StepRun {
  const dir = mkdtempSync(path.join(scratch, `${job}-${id}-`));
  const workspace = cwd ?? path.join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const output = path.join(dir, 'output');
  const file = path.join(dir, 'step.sh');
  writeFileSync(output, '');
  writeFileSync(file, stepScript(workflow, job, id));
  const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', file], {
    cwd: workspace,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_OUTPUT: output, RUNNER_TEMP: dir, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputs(readFileSync(output, 'utf8')),
    errors: result.stdout.split('\n').filter((line) => line.startsWith('::error::')),
  };
}

const CONTEXTS = ['github', 'inputs', 'needs', 'matrix', 'steps', 'runner', 'secrets', 'env', 'job', 'jobs'];
const FUNCTIONS = ['success', 'always', 'failure', 'cancelled', 'hashFiles'].map((name) => ({
  name,
  minArgs: 0,
  maxArgs: 255,
}));

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function toText(value: data.ExpressionData): string {
  switch (value.kind) {
    case data.Kind.Null:
      return '';
    case data.Kind.String:
      return (value as data.StringData).value;
    case data.Kind.Boolean:
      return String((value as data.BooleanData).value);
    case data.Kind.Number:
      return String((value as data.NumberData).value);
    default:
      return JSON.stringify(value, data.replacer);
  }
}

/** One expression body evaluated by GitHub's evaluator over `context` (contexts as plain values). */
export function evaluate(expression: string, context: Record<string, unknown>): unknown {
  const expr = new Parser(new Lexer(expression).lex().tokens, CONTEXTS, FUNCTIONS).parse();
  const result = new Evaluator(expr, toData(context) as data.Dictionary).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer) ?? 'null') as unknown;
}

/** A workflow value with `${{ }}` in it, as the runner makes it a string. */
export function interpolate(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, body: string) => {
    const expr = new Parser(new Lexer(body).lex().tokens, CONTEXTS, FUNCTIONS).parse();
    return toText(new Evaluator(expr, toData(context) as data.Dictionary).evaluate());
  });
}
