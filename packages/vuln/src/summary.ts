import { total, type Evaluation, type Finding } from './policy.js';
import { vulnerabilityLink } from './sarif.js';
import { capitalize, DISPLAY_ORDER, rank } from './severity.js';

/**
 * The report a person reads: the job summary (Markdown) and the CLI's text and JSON. The
 * Markdown goes through a builder the caller passes (the kit's, which cuts it below GitHub's
 * 1 MiB limit), so this package stays free of runner code.
 */
export interface SummaryBuilder {
  heading(text: string, level?: 1 | 2 | 3 | 4): unknown;
  paragraph(text: string): unknown;
  list(items: readonly string[]): unknown;
  table(headers: readonly string[], rows: readonly (readonly string[])[]): unknown;
}

export interface SummaryContext {
  /** When false, a failed gate is reported as a warning (the step does not fail). */
  failBuild?: boolean;
  grypeVersion?: string;
  dbBuilt?: string;
  /** How many findings to list (default 50). */
  top?: number;
  /** How many suppressed findings to list (default 100). */
  suppressedTop?: number;
  /** A section of a larger summary (one platform of several): its name, as a level-3 heading. */
  section?: string;
}

const ICON: Record<string, string> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  negligible: '⬜',
  unknown: '❔',
};

function inlineText(text: string): string {
  return text.replace(/[[\]()`*_<>]/g, (c) => `\\${c}`);
}

/**
 * A vulnerability id for a table cell, linked when there is an http(s) URL. Table cells are
 * escaped by the builder (backslashes included), so characters that would make Markdown of an id
 * are dropped rather than escaped; real ids (CVE-…, GHSA-…, ALAS-…) have none.
 */
function linked(finding: Finding): string {
  const id = finding.match.vulnerability.id.replace(/[^\w.:/+-]/g, '');
  const url = vulnerabilityLink(finding.match);
  return url ? `[${id}](${url.replace(/[()\s]/g, encodeURIComponent)})` : id;
}

function fixedIn(finding: Finding): string {
  const fix = finding.match.vulnerability.fix;
  if (fix?.state === 'fixed' && (fix.versions?.length ?? 0) > 0) return fix.versions!.join(', ');
  if (fix?.state === 'wont-fix') return "won't fix";
  return 'no fix';
}

function byPriority(a: Finding, b: Finding): number {
  if (a.blocking !== b.blocking) return a.blocking ? -1 : 1;
  return rank(b.severity) - rank(a.severity);
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function headline(evaluation: Evaluation, failBuild = true): string {
  if (evaluation.verdict === 'pass') return `✅ Vulnerability gate passed for ${evaluation.target}`;
  const prefix = failBuild
    ? '❌ Vulnerability gate blocked'
    : '⚠️ Vulnerability gate failed (fail-build is off)';
  return `${prefix} for ${evaluation.target}: ${evaluation.reasons.join('; ')}`;
}

export function renderSummary(
  md: SummaryBuilder,
  evaluation: Evaluation,
  context: SummaryContext = {},
): void {
  const { policy } = evaluation;
  const failBuild = context.failBuild ?? true;
  const name = context.section ?? 'Vulnerability scan';
  md.heading(
    evaluation.verdict === 'pass'
      ? `✅ ${name}: passed`
      : failBuild
        ? `❌ ${name}: blocked`
        : `⚠️ ${name}: failed (not blocking: fail-build is off)`,
    context.section === undefined ? undefined : 3,
  );
  const facts = [
    `Target: \`${evaluation.target.replace(/`/g, "'")}\``,
    `cutoff: **${policy.cutoff}**`,
    `only fixed: ${yesNo(policy.onlyFixed)}`,
    `unknown severity fails: ${yesNo(policy.unknownFails)}`,
    `ignore rules: ${policy.ignoreRules.length}`,
    `VEX statements: ${policy.vex.length}`,
  ];
  if (context.grypeVersion) facts.push(`grype ${context.grypeVersion}`);
  if (context.dbBuilt) facts.push(`database built ${context.dbBuilt}`);
  md.paragraph(facts.join(' · '));
  if (evaluation.reasons.length > 0) md.list(evaluation.reasons.map((r) => `**${inlineText(r)}**`));

  const blockingBy = Object.fromEntries(DISPLAY_ORDER.map((s) => [s, 0])) as Record<string, number>;
  for (const finding of evaluation.findings) if (finding.blocking) blockingBy[finding.severity]!++;
  md.table(
    ['Severity', 'Found', 'After ignores and VEX', 'At or above cutoff'],
    [
      ...DISPLAY_ORDER.map((s) => [
        `${ICON[s]} ${capitalize(s)}`,
        String(evaluation.before[s]),
        String(evaluation.after[s]),
        String(blockingBy[s]),
      ]),
      [
        '**Total**',
        `**${total(evaluation.before)}**`,
        `**${total(evaluation.after)}**`,
        `**${evaluation.blocking}**`,
      ],
    ],
  );

  const inForce = evaluation.findings.filter((f) => !f.suppressed).sort(byPriority);
  const top = context.top ?? 50;
  if (inForce.length > 0) {
    md.heading(`Top findings (${Math.min(top, inForce.length)} of ${inForce.length})`, 3);
    md.table(
      ['Vulnerability', 'Package', 'Installed → fixed', 'Severity'],
      inForce
        .slice(0, top)
        .map((f) => [
          `${f.blocking ? '**' : ''}${linked(f)}${f.blocking ? '**' : ''}`,
          `${f.match.artifact.name}${f.match.artifact.type ? ` (${f.match.artifact.type})` : ''}`,
          `${f.match.artifact.version} → ${fixedIn(f)}`,
          `${ICON[f.severity]} ${capitalize(f.severity)}`,
        ]),
    );
  } else {
    md.paragraph('No findings remain after the policy was applied.');
  }

  const suppressed = evaluation.findings.filter((f) => f.suppressed && f.suppressed.by !== 'only-fixed');
  const unfixed = evaluation.findings.filter((f) => f.suppressed?.by === 'only-fixed').length;
  if (suppressed.length > 0 || unfixed > 0) {
    md.heading('Suppressed', 3);
    if (unfixed > 0)
      md.paragraph(`${unfixed} finding(s) without a fixed version were left out (only-fixed).`);
    const limit = context.suppressedTop ?? 100;
    if (suppressed.length > 0) {
      md.table(
        ['Vulnerability', 'Package', 'Severity', 'By', 'Reason'],
        suppressed.slice(0, limit).map((f) => {
          const s = f.suppressed!;
          const by =
            s.by === 'ignore'
              ? `ignore rule ${s.rule.index} (until ${s.rule.expires})`
              : s.by === 'vex'
                ? `VEX ${s.statement.file.split(/[\\/]/).pop()} #${s.statement.index}`
                : s.by;
          return [
            linked(f),
            `${f.match.artifact.name} ${f.match.artifact.version}`,
            capitalize(f.severity),
            by,
            s.reason,
          ];
        }),
      );
      if (suppressed.length > limit)
        md.paragraph(`…and ${suppressed.length - limit} more in the JSON report.`);
    }
  }
  if (evaluation.expiredRules.length > 0) {
    md.heading('Expired ignore rules', 3);
    md.list(
      evaluation.expiredRules.map(
        (r) =>
          `rule ${r.index} of \`${r.file.split(/[\\/]/).pop()}\`: ${inlineText(r.id)} expired on ${r.expires} — ${inlineText(r.reason)}`,
      ),
    );
  }
  if (evaluation.unusedRules.length > 0) {
    md.paragraph(
      `Ignore rules that matched nothing (remove them?): ${evaluation.unusedRules.map((r) => `${r.index} (${inlineText(r.id)})`).join(', ')}.`,
    );
  }
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
