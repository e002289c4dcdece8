import { describeRule, isExpired, ruleMatches, type IgnoreRule } from './ignore.js';
import type { GrypeMatch, GrypeReport } from './grype-report.js';
import { reportTarget } from './report.js';
import {
  atOrAbove,
  DISPLAY_ORDER,
  emptyCounts,
  normalizeSeverity,
  type Cutoff,
  type Severity,
  type SeverityCounts,
} from './severity.js';
import { suppresses, vexDecision, type VexStatement } from './vex.js';

/** The gate's policy. Pure data: the same policy gives the same verdict for the same report and day. */
export interface Policy {
  cutoff: Cutoff;
  onlyFixed: boolean;
  unknownFails: boolean;
  ignoreRules: readonly IgnoreRule[];
  vex: readonly VexStatement[];
  /**
   * An SBOM that lists no package passes: only for targets where none is expected (a Helm chart's
   * directory, which syft has no cataloguer for), never for an image.
   */
  allowEmptySbom?: boolean;
}

export function defaultPolicy(overrides: Partial<Policy> = {}): Policy {
  return { cutoff: 'high', onlyFixed: false, unknownFails: false, ignoreRules: [], vex: [], ...overrides };
}

export type Suppression =
  | { by: 'only-fixed'; reason: string }
  | { by: 'ignore'; reason: string; rule: IgnoreRule }
  | { by: 'vex'; reason: string; statement: VexStatement };

export interface Finding {
  match: GrypeMatch;
  severity: Severity;
  /** grype knows a fixed version (fix.state "fixed"). */
  fixed: boolean;
  /** Counts against the gate: not suppressed and at or above the cutoff. */
  blocking: boolean;
  suppressed?: Suppression;
}

/** The gate's decision on one target (the `verdict` output). */
export type GateVerdict = 'pass' | 'fail';

export interface Evaluation {
  verdict: GateVerdict;
  policy: Policy;
  target: string;
  /** Every match of the report, in report order. */
  findings: Finding[];
  /** Per severity: every match, then what is left after only-fixed, ignore rules and VEX. */
  before: SeverityCounts;
  after: SeverityCounts;
  blocking: number;
  expiredRules: IgnoreRule[];
  /** Rules in force that matched nothing: candidates for removal. */
  unusedRules: IgnoreRule[];
  /** Why the gate failed, one line each (empty when it passed). */
  reasons: string[];
}

function suppressionFor(
  match: GrypeMatch,
  fixed: boolean,
  policy: Policy,
  activeRules: readonly IgnoreRule[],
  used: Set<IgnoreRule>,
): Suppression | undefined {
  for (const rule of activeRules) {
    if (ruleMatches(rule, match)) {
      used.add(rule);
      return { by: 'ignore', reason: rule.reason, rule };
    }
  }
  if (policy.vex.length > 0) {
    const statement = vexDecision(policy.vex, match);
    if (statement && suppresses(statement)) {
      const why = [statement.status, statement.justification, statement.impact].filter(Boolean).join(': ');
      return { by: 'vex', reason: why, statement };
    }
  }
  if (policy.onlyFixed && !fixed) return { by: 'only-fixed', reason: 'no fixed version yet (only-fixed)' };
  return undefined;
}

export function evaluate(report: GrypeReport, policy: Policy, now: Date = new Date()): Evaluation {
  const expiredRules = policy.ignoreRules.filter((rule) => isExpired(rule, now));
  const activeRules = policy.ignoreRules.filter((rule) => !isExpired(rule, now));
  const used = new Set<IgnoreRule>();
  const before = emptyCounts();
  const after = emptyCounts();
  const blockingBySeverity = emptyCounts();
  const findings: Finding[] = new Array(report.matches.length);
  let blocking = 0;
  for (let i = 0; i < report.matches.length; i++) {
    const match = report.matches[i]!;
    const severity = normalizeSeverity(match.vulnerability.severity);
    const fixed = match.vulnerability.fix?.state === 'fixed';
    before[severity]++;
    const suppressed = suppressionFor(match, fixed, policy, activeRules, used);
    const counts = suppressed === undefined && atOrAbove(severity, policy.cutoff, policy.unknownFails);
    if (suppressed === undefined) after[severity]++;
    if (counts) {
      blocking++;
      blockingBySeverity[severity]++;
    }
    findings[i] = { match, severity, fixed, blocking: counts, suppressed };
  }
  const reasons: string[] = [];
  if (blocking > 0) {
    const parts = DISPLAY_ORDER.filter((s) => blockingBySeverity[s] > 0).map(
      (s) => `${blockingBySeverity[s]} ${s}`,
    );
    reasons.push(
      `${blocking} finding${blocking === 1 ? '' : 's'} at or above ${policy.cutoff} (${parts.join(', ')})`,
    );
  }
  for (const rule of expiredRules) reasons.push(`ignore ${describeRule(rule)} expired on ${rule.expires}`);
  return {
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    policy,
    target: reportTarget(report),
    findings,
    before,
    after,
    blocking,
    expiredRules,
    unusedRules: activeRules.filter((rule) => !used.has(rule)),
    reasons,
  };
}

export function total(counts: SeverityCounts): number {
  return DISPLAY_ORDER.reduce((sum, s) => sum + counts[s], 0);
}
