import { total, type Evaluation, type Finding } from './policy.js';
import { DISPLAY_ORDER, rank } from './severity.js';

/** The report for a terminal (the CLI's text and JSON) and the headline the log and the failure carry. */

export function fixedIn(finding: Finding): string {
  const fix = finding.match.vulnerability.fix;
  if (fix?.state === 'fixed' && (fix.versions?.length ?? 0) > 0) return fix.versions!.join(', ');
  if (fix?.state === 'wont-fix') return "won't fix";
  return 'no fix';
}

/** Blocking findings first, then the most severe. */
export function byPriority(a: Finding, b: Finding): number {
  if (a.blocking !== b.blocking) return a.blocking ? -1 : 1;
  return rank(b.severity) - rank(a.severity);
}

/** One line for the log and the failure: the verdict and why. */
export function headline(evaluation: Evaluation, failBuild = true): string {
  if (evaluation.verdict === 'pass') return `✅ Vulnerability gate passed for ${evaluation.target}`;
  const prefix = failBuild
    ? '❌ Vulnerability gate blocked'
    : '⚠️ Vulnerability gate failed (fail-build is off)';
  return `${prefix} for ${evaluation.target}: ${evaluation.reasons.join('; ')}`;
}

/** A few lines for a terminal. */
export function renderText(evaluation: Evaluation, top = 20): string {
  const lines = [headline(evaluation)];
  lines.push(`${'severity'.padEnd(12)}${'found'.padStart(8)}${'after'.padStart(8)}`);
  for (const s of DISPLAY_ORDER) {
    lines.push(
      `${s.padEnd(12)}${String(evaluation.before[s]).padStart(8)}${String(evaluation.after[s]).padStart(8)}`,
    );
  }
  lines.push(
    `${'total'.padEnd(12)}${String(total(evaluation.before)).padStart(8)}${String(total(evaluation.after)).padStart(8)}`,
  );
  const inForce = evaluation.findings
    .filter((f) => !f.suppressed)
    .sort(byPriority)
    .slice(0, top);
  if (inForce.length > 0) lines.push('', 'top findings:');
  for (const f of inForce) {
    lines.push(
      `  ${f.blocking ? '!' : ' '} ${f.match.vulnerability.id}  ${f.severity}  ${f.match.artifact.name} ${f.match.artifact.version} → ${fixedIn(f)}`,
    );
  }
  const suppressed = evaluation.findings.filter((f) => f.suppressed && f.suppressed.by !== 'only-fixed');
  if (suppressed.length > 0) lines.push('', `suppressed by ignore rules or VEX: ${suppressed.length}`);
  return lines.join('\n');
}

/** A machine-readable result: what the CLI prints with --format json. */
export function toJson(evaluation: Evaluation): Record<string, unknown> {
  const brief = (f: Finding) => ({
    id: f.match.vulnerability.id,
    severity: f.severity,
    package: f.match.artifact.name,
    version: f.match.artifact.version,
    type: f.match.artifact.type,
    fixState: f.match.vulnerability.fix?.state ?? '',
    fixedIn: f.match.vulnerability.fix?.versions ?? [],
  });
  return {
    verdict: evaluation.verdict,
    target: evaluation.target,
    policy: {
      severityCutoff: evaluation.policy.cutoff,
      onlyFixed: evaluation.policy.onlyFixed,
      unknownFails: evaluation.policy.unknownFails,
      ignoreRules: evaluation.policy.ignoreRules.length,
      vexStatements: evaluation.policy.vex.length,
    },
    counts: { before: evaluation.before, after: evaluation.after },
    blocking: evaluation.blocking,
    reasons: evaluation.reasons,
    blockingFindings: evaluation.findings.filter((f) => f.blocking).map(brief),
    suppressed: evaluation.findings
      .filter((f) => f.suppressed)
      .map((f) => ({ ...brief(f), by: f.suppressed!.by, reason: f.suppressed!.reason })),
    expiredRules: evaluation.expiredRules.map((r) => ({
      index: r.index,
      id: r.id,
      expires: r.expires,
      file: r.file,
    })),
  };
}
