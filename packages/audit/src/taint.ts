import {
  Literal,
  Star,
  type Binary,
  type ContextAccess,
  type Expr,
  type ExprVisitor,
  type FunctionCall,
  type Grouping,
  type IndexAccess,
  type Logical,
  type Unary,
} from '@actions/expressions/ast';
import { ANY, contextPath, extendPath, nameSegment, type ContextPath } from './context-path.js';

/** Untrusted text an expression's value may carry, and where it comes from. */
export interface Taint {
  /** What the expression reads, as written: `github.event.issue.title`, `steps.meta.outputs.title`. */
  path: string;
  severity: 'high' | 'medium';
  /** Completes "<path> is …": why that value is text someone else chose. */
  reason: string;
}

/** The taint of reading a context path; the scope of a step decides it. */
export type Resolve = (path: ContextPath) => Taint[];

type Value = { kind: 'path'; path: ContextPath } | { kind: 'computed'; taints: Taint[] };

const CLEAN: Value = { kind: 'computed', taints: [] };

/**
 * Functions whose result cannot carry the text of their arguments: booleans (contains, startsWith,
 * endsWith and the status functions) and a hash of files (hashFiles).
 */
const OPAQUE_FUNCTIONS = new Set([
  'contains',
  'startswith',
  'endswith',
  'success',
  'always',
  'failure',
  'cancelled',
  'hashfiles',
]);

/**
 * How taint flows through GitHub's expression language:
 * - a context read is as tainted as the scope says the path is (an object holding untrusted text
 *   is tainted too, since toJSON, join, format or a direct expansion turn it into text);
 * - an index into a value keeps its taint; a string index is the dotted name (`a['b']` is `a.b`),
 *   a number, `*` or a computed index is any key;
 * - a function result carries the taint of its arguments (format, join, toJSON, fromJSON), except
 *   functions returning booleans or hashes (contains, startsWith, endsWith, success, always, failure,
 *   cancelled, hashFiles); case() carries the taint of its values, not of its conditions;
 * - `a || b` and `a && b` return one of their operands: the taint of all of them;
 * - comparisons and `!` give booleans, literals are constants: clean.
 */
class TaintVisitor implements ExprVisitor<Value> {
  constructor(private readonly resolve: Resolve) {}

  taints(expr: Expr): Taint[] {
    const value = expr.accept(this);
    return value.kind === 'path' ? this.resolve(value.path) : value.taints;
  }

  visitLiteral(_literal: Literal): Value {
    return CLEAN;
  }

  visitUnary(_unary: Unary): Value {
    return CLEAN;
  }

  visitBinary(_binary: Binary): Value {
    return CLEAN;
  }

  visitLogical(logical: Logical): Value {
    return { kind: 'computed', taints: logical.args.flatMap((arg) => this.taints(arg)) };
  }

  visitGrouping(grouping: Grouping): Value {
    return grouping.group.accept(this);
  }

  visitContextAccess(access: ContextAccess): Value {
    return { kind: 'path', path: contextPath(access.name.lexeme) };
  }

  visitIndexAccess(access: IndexAccess): Value {
    const base = access.expr.accept(this);
    if (base.kind === 'computed') return base;
    return { kind: 'path', path: extendPath(base.path, indexSegment(access.index)) };
  }

  visitFunctionCall(call: FunctionCall): Value {
    const name = call.functionName.lexeme.toLowerCase();
    if (OPAQUE_FUNCTIONS.has(name)) return CLEAN;
    const args = name === 'case' ? caseValues(call.args) : call.args;
    return { kind: 'computed', taints: args.flatMap((arg) => this.taints(arg)) };
  }
}

/** case(pred1, value1, pred2, value2, …, default): the values and the default, not the predicates. */
function caseValues(args: Expr[]): Expr[] {
  return args.filter((_arg, i) => i % 2 === 1 || i === args.length - 1);
}

function indexSegment(index: Expr): { key: string; text: string } {
  if (index instanceof Star) return { key: ANY, text: '.*' };
  if (index instanceof Literal && 'value' in index.literal) {
    const value = index.literal.value;
    if (typeof value === 'string') return nameSegment(value);
    if (typeof value === 'number') return { key: ANY, text: `[${value}]` };
  }
  return { key: ANY, text: '[…]' };
}

/** The untrusted text a parsed expression's value may carry, by the rules of TaintVisitor. */
export function taintOf(expr: Expr, resolve: Resolve): Taint[] {
  return new TaintVisitor(resolve).taints(expr);
}
