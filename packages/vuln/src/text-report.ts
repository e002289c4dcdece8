import { plainStyle, type TextStyle } from '@release-actions/core';
import { total, type Evaluation, type Finding } from './policy.js';
import { DISPLAY_ORDER, rank, type Severity } from './severity.js';
import { displayPath, setAside, suppressedBy } from './suppression.js';
import { describeRule } from './ignore.js';
import { byPackage, compareText, type PackageFindings, type Upgrade } from './upgrade.js';

/** The report for a terminal (the CLI's text and JSON) and the headline the log and the failure carry. */

export function fixedIn(finding: Finding): string {
  const fix = finding.match.vulnerability.fix;
  if (fix?.state === 'fixed' && (fix.versions?.length ?? 0) > 0) return fix.versions!.join(', ');
  if (fix?.state === 'wont-fix') return "won't fix";
  return 'no fix';
}

/** One line for the log and the failure: the verdict and why. */
export function headline(evaluation: Evaluation, failBuild = true): string {
  if (evaluation.verdict === 'pass') return `✅ Vulnerability gate passed for ${evaluation.target}`;
  const prefix = failBuild
    ? '❌ Vulnerability gate blocked'
    : '⚠️ Vulnerability gate failed (fail-build is off)';
  return `${prefix} for ${evaluation.target}: ${evaluation.reasons.join('; ')}`;
}

export interface TextOptions {
  /** How many findings to list in all (default 20). */
  top?: number;
  /** How many findings to list under one package (default 3), so one package cannot fill the list. */
  perPackage?: number;
  /** How many suppressed findings and further upgrades to list (default 20 and 10). */
  suppressedTop?: number;
  upgradesTop?: number;
  /** Bold and colour on a terminal; plain by default. */
  style?: TextStyle;
  /** Paths under this directory are shown relative to it. */
  cwd?: string;
  /** Whether a failed gate fails the build (default true): the verdict line says which. */
  failBuild?: boolean;
}

type Resolved = Required<Omit<TextOptions, 'cwd'>> & Pick<TextOptions, 'cwd'>;

/** What marks a blocking finding, in the policy's words. */
export function legend(evaluation: Evaluation): string {
  const { cutoff, unknownFails } = evaluation.policy;
  return `! = blocking (at or above ${cutoff}${unknownFails ? ', or of unknown severity' : ''})`;
}

/** `upgrade libc6 to 2.28-10+deb10u1: clears 7 (3 blocking)`. */
export function upgradeLine(pkg: Pick<PackageFindings, 'name'>, upgrade: Upgrade): string {
  return `upgrade ${pkg.name} to ${upgrade.to}: clears ${upgrade.clears} (${upgrade.blocking} blocking)`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Colour says the same as the severity word beside it; it is never the only sign. */
function paint(severity: Severity, text: string, style: TextStyle): string {
  if (severity === 'critical' || severity === 'high') return style.red(text);
  if (severity === 'medium') return style.yellow(text);
  return text;
}

function countsTable(evaluation: Evaluation): string[] {
  const row = (label: string, before: number, after: number) =>
    `${label.padEnd(12)}${String(before).padStart(8)}${String(after).padStart(8)}`;
  return [
    `${'severity'.padEnd(12)}${'found'.padStart(8)}${'after'.padStart(8)}`,
    ...DISPLAY_ORDER.map((s) => row(s, evaluation.before[s], evaluation.after[s])),
    row('total', total(evaluation.before), total(evaluation.after)),
  ];
}

function packageLine(pkg: PackageFindings, style: TextStyle): string {
  const name = `${pkg.name} ${pkg.version}${pkg.type ? ` (${pkg.type})` : ''}`;
  const facts = [plural(pkg.findings.length, 'finding')];
  if (pkg.blocking > 0) facts.push(`${pkg.blocking} blocking`);
  if (!pkg.upgrade) facts.push('no fixed version');
  return `  ${pkg.blocking > 0 ? style.bold(name) : name}: ${facts.join(', ')}`;
}

function findingLine(finding: Finding, idWidth: number, style: TextStyle): string {
  const fix = fixedIn(finding);
  const severity = paint(finding.severity, finding.severity.padEnd(10), style);
  const text = `${finding.match.vulnerability.id.padEnd(idWidth)}  ${severity}  ${
    finding.match.vulnerability.fix?.state === 'fixed' && fix !== 'no fix' ? `fixed in ${fix}` : fix
  }`;
  return finding.blocking ? `    ${style.bold(`! ${text}`)}` : `      ${text}`;
}

/**
 * The findings in force grouped by package, the packages with the most blocking findings first,
 * each with the upgrade that clears the most of them; at most `top` findings in all and
 * `perPackage` under one package, and a line saying how many were shown when the list is cut.
 */
function findingsByPackage(evaluation: Evaluation, options: Resolved): string[] {
  const { style } = options;
  const packages = byPackage(evaluation.findings);
  if (packages.length === 0) return [];
  const inForce = packages.reduce((sum, p) => sum + p.findings.length, 0);
  const shown: [PackageFindings, number][] = [];
  let budget = options.top;
  for (const pkg of packages) {
    if (budget <= 0) break;
    const count = Math.min(options.perPackage, pkg.findings.length, budget);
    shown.push([pkg, count]);
    budget -= count;
  }
  const listed = options.top - budget;
  const idWidth = Math.max(
    ...shown.flatMap(([pkg, count]) =>
      pkg.findings.slice(0, count).map((f) => f.match.vulnerability.id.length),
    ),
  );
  const lines = [
    '',
    legend(evaluation),
    `findings by package, most blocking first${listed < inForce ? ` (${listed} of ${inForce} shown)` : ''}:`,
  ];
  for (const [pkg, count] of shown) {
    lines.push(packageLine(pkg, style));
    if (pkg.upgrade) lines.push(`    ${style.green(upgradeLine(pkg, pkg.upgrade))}`);
    for (const f of pkg.findings.slice(0, count)) lines.push(findingLine(f, idWidth, style));
    if (count < pkg.findings.length) lines.push(`      … ${pkg.findings.length - count} more in ${pkg.name}`);
  }
  const rest = packages.slice(shown.length);
  if (rest.length > 0) {
    const findings = rest.reduce((sum, p) => sum + p.findings.length, 0);
    const blocking = rest.reduce((sum, p) => sum + p.blocking, 0);
    lines.push(
      `  … ${plural(rest.length, 'more package')} with ${plural(findings, 'finding')} (${blocking} blocking)`,
    );
  }
  const upgrades = rest
    .filter((p): p is PackageFindings & { upgrade: Upgrade } => p.upgrade !== undefined)
    .sort((a, b) => b.upgrade.blocking - a.upgrade.blocking || b.upgrade.clears - a.upgrade.clears);
  if (upgrades.length > 0) {
    lines.push('', 'upgrades for packages not listed above:');
    for (const p of upgrades.slice(0, options.upgradesTop)) lines.push(`  ${upgradeLine(p, p.upgrade)}`);
    if (upgrades.length > options.upgradesTop) {
      lines.push(
        `  … ${upgrades.length - options.upgradesTop} more (${options.upgradesTop} of ${upgrades.length} shown)`,
      );
    }
  }
  return lines;
}

/**
 * What the policy set aside and why, from the same data as the job summary: each suppressed
 * finding with its rule (ignore-file rule or VEX statement) and reason, how many only-fixed left
 * out, and ignore rules that matched nothing.
 */
function setAsideLines(evaluation: Evaluation, options: Resolved): string[] {
  const { style, cwd } = options;
  const { suppressed, unfixed } = setAside(evaluation);
  const lines: string[] = [];
  if (suppressed.length > 0) {
    const listed = [...suppressed].sort(bySeverityThenId).slice(0, options.suppressedTop);
    const idWidth = Math.max(...listed.map((f) => f.match.vulnerability.id.length));
    lines.push(
      '',
      `suppressed by ignore rules or VEX${listed.length < suppressed.length ? ` (${listed.length} of ${suppressed.length} shown)` : ` (${suppressed.length})`}:`,
    );
    for (const f of listed) {
      const s = f.suppressed!;
      const by = suppressedBy(s, (file) => displayPath(file, cwd), true);
      lines.push(
        `  ${f.match.vulnerability.id.padEnd(idWidth)}  ${f.severity.padEnd(10)}  ${f.match.artifact.name} ${f.match.artifact.version}: ${style.dim(`${by}: ${s.reason}`)}`,
      );
    }
  }
  if (unfixed > 0) {
    lines.push('', `left out by only-fixed (no fixed version yet): ${plural(unfixed, 'finding')}`);
  }
  if (evaluation.unusedRules.length > 0) {
    lines.push(
      '',
      `ignore rules that matched nothing (remove them?): ${evaluation.unusedRules
        .map((r) => describeRule(r, (file) => displayPath(file, cwd)))
        .join(', ')}`,
    );
  }
  return lines;
}

/**
 * The report for a terminal: the verdict line first (alone, it is the quiet output), the counts
 * per severity, the findings by package with what to upgrade, then what was set aside.
 */
export function renderText(evaluation: Evaluation, options: TextOptions = {}): string {
  const resolved: Resolved = {
    top: options.top ?? 20,
    perPackage: options.perPackage ?? 3,
    suppressedTop: options.suppressedTop ?? 20,
    upgradesTop: options.upgradesTop ?? 10,
    style: options.style ?? plainStyle,
    cwd: options.cwd,
    failBuild: options.failBuild ?? true,
  };
  const { style } = resolved;
  const verdict = headline(evaluation, resolved.failBuild);
  return [
    evaluation.verdict === 'pass' ? style.green(verdict) : style.bold(style.red(verdict)),
    ...countsTable(evaluation),
    ...findingsByPackage(evaluation, resolved),
    ...setAsideLines(evaluation, resolved),
  ].join('\n');
}

/** Most severe first; then by id, package and version, so the order is the same on every run. */
function bySeverityThenId(a: Finding, b: Finding): number {
  return (
    rank(b.severity) - rank(a.severity) ||
    compareText(a.match.vulnerability.id, b.match.vulnerability.id) ||
    compareText(a.match.artifact.name, b.match.artifact.name) ||
    compareText(a.match.artifact.version, b.match.artifact.version)
  );
}

/** A machine-readable result: what the CLI prints with --format json (its shape: scan/README.md). */
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
  const rule = (f: Finding) => {
    const s = f.suppressed!;
    if (s.by === 'ignore')
      return { rule: { file: s.rule.file, index: s.rule.index, expires: s.rule.expires } };
    if (s.by === 'vex') return { rule: { file: s.statement.file, index: s.statement.index } };
    return {};
  };
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
    blockingFindings: evaluation.findings
      .filter((f) => f.blocking)
      .sort(bySeverityThenId)
      .map(brief),
    upgrades: byPackage(evaluation.findings)
      .filter((p) => p.upgrade !== undefined)
      .map((p) => ({
        package: p.name,
        version: p.version,
        type: p.type,
        to: p.upgrade!.to,
        clears: p.upgrade!.clears,
        blocking: p.upgrade!.blocking,
      }))
      .sort((a, b) => b.blocking - a.blocking || b.clears - a.clears || compareText(a.package, b.package)),
    suppressed: evaluation.findings
      .filter((f) => f.suppressed)
      .map((f) => ({ ...brief(f), by: f.suppressed!.by, reason: f.suppressed!.reason, ...rule(f) })),
    expiredRules: evaluation.expiredRules.map((r) => ({
      index: r.index,
      id: r.id,
      expires: r.expires,
      file: r.file,
    })),
    unusedRules: evaluation.unusedRules.map((r) => ({ index: r.index, id: r.id, file: r.file })),
  };
}
