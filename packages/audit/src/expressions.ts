import { Lexer, Parser, type Expr } from '@actions/expressions';
import type { Scalar } from 'yaml';
import { positionAt, rawText, type Position, type SourceFile } from './source.js';
import { taintOf } from './taint.js';
import { untrustedEventFields } from './untrusted-event.js';

export interface Expression {
  /** The text between `${{` and `}}`, trimmed (to the end of the scalar when it is not closed). */
  body: string;
  /** The whole `${{ ... }}` as written. */
  text: string;
  position: Position;
  /** False when no `}}` ends it: GitHub rejects such a value. */
  closed: boolean;
}

const OPEN = '${{';

/**
 * Every `${{ ... }}` in a scalar, positioned at its `$` in the source. Found the way GitHub's
 * template reader finds them: a `}}` inside a single-quoted string literal does not end the
 * expression, and single-line quoted scalars are read by value (block and multi-line scalars by
 * their source text, where positions line up).
 */
export function expressionsIn(source: SourceFile, scalar: Scalar): Expression[] {
  const raw = rawText(source, scalar);
  if (!raw || typeof scalar.value !== 'string') return [];
  const quoted = scalar.type === 'QUOTE_SINGLE' || scalar.type === 'QUOTE_DOUBLE';
  const byValue = quoted && !raw.text.includes('\n');
  const text = byValue ? scalar.value : raw.text;
  const shift = byValue ? Math.max(0, raw.text.indexOf(OPEN) - text.indexOf(OPEN)) : 0;
  const out: Expression[] = [];
  let start = text.indexOf(OPEN);
  while (start >= 0) {
    const end = closingBraces(text, start + OPEN.length);
    const stop = end < 0 ? text.length : end + 2;
    out.push({
      body: text.slice(start + OPEN.length, end < 0 ? text.length : end).trim(),
      text: text.slice(start, stop),
      position: positionAt(source, raw.offset + start + shift),
      closed: end >= 0,
    });
    start = text.indexOf(OPEN, stop);
  }
  return out;
}

/** The index of the `}}` that ends an expression body starting at `from`, or -1. */
function closingBraces(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length - 1; i++) {
    if (text[i] === "'") inString = !inString;
    else if (!inString && text[i] === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

/** Every context a workflow or an action's metadata may read. */
const CONTEXTS = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'steps',
  'needs',
  'matrix',
  'strategy',
  'job',
  'jobs',
  'runner',
];

/** Functions GitHub adds to the expression language's own for workflows. */
const WORKFLOW_FUNCTIONS = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

export type ParsedExpression = { ok: true; expr: Expr } | { ok: false; error: string };

/**
 * Parses an expression body with GitHub's own parser (@actions/expressions), which rejects what
 * GitHub rejects: syntax errors, unknown contexts and functions, wrong argument counts.
 */
export function parseExpression(body: string): ParsedExpression {
  try {
    const expr = new Parser(new Lexer(body).lex().tokens, CONTEXTS, WORKFLOW_FUNCTIONS).parse();
    return expr ? { ok: true, expr } : { ok: false, error: 'the expression is empty' };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** An expression found in a scalar, parsed; one no `}}` closes does not parse either. */
export function parseFound(expression: Expression): ParsedExpression {
  return expression.closed ? parseExpression(expression.body) : { ok: false, error: 'no }} closes it' };
}

export function referencesSecret(body: string): boolean {
  return /(^|[^\w.])secrets\s*(\.|\[)/.test(body);
}

/**
 * The first untrusted `github` path an expression reads (or an object it reads that holds one),
 * as written; undefined when it reads none or does not parse.
 */
export function untrustedContext(body: string): string | undefined {
  const parsed = parseExpression(body);
  if (!parsed.ok) return undefined;
  const taints = taintOf(parsed.expr, (path) =>
    untrustedEventFields(path).length > 0
      ? [{ path: path.text, severity: 'high', reason: 'set by whoever opens the event' }]
      : [],
  );
  return taints[0]?.path;
}
