import { total, type Evaluation, type Finding } from './policy.js';
import { vulnerabilityLink } from './sarif.js';
import { capitalize, DISPLAY_ORDER } from './severity.js';
import { setAside, suppressedBy } from './suppression.js';
import { fixedIn } from './text-report.js';
import { byPriority } from './upgrade.js';

/**
 * The job summary of one judged target, section by section. The Markdown goes through a builder
 * the caller passes (core's Markdown, which cuts it below GitHub's 1 MiB limit).
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

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function fileName(file: string): string | undefined {
  return file.split(/[\\/]/).pop();
}

/** The verdict as the heading; a warning instead of a block when fail-build is off. */
export function verdictHeading(md: SummaryBuilder, evaluation: Evaluation, context: SummaryContext): void {
  const name = context.section ?? 'Vulnerability scan';
  md.heading(
    evaluation.verdict === 'pass'
      ? `✅ ${name}: passed`
      : (context.failBuild ?? true)
        ? `❌ ${name}: blocked`
        : `⚠️ ${name}: failed (not blocking: fail-build is off)`,
    context.section === undefined ? undefined : 3,
  );
}

/** What was judged and by which policy, on one line. */
export function policyFacts(md: SummaryBuilder, evaluation: Evaluation, context: SummaryContext): void {
  const { policy } = evaluation;
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
}

/** Why the gate failed, one item per reason (nothing when it passed). */
export function reasons(md: SummaryBuilder, evaluation: Evaluation): void {
  if (evaluation.reasons.length > 0) md.list(evaluation.reasons.map((r) => `**${inlineText(r)}**`));
}

/** Per severity: found, left after ignore rules and VEX, and at or above the cutoff. */
export function countsTable(md: SummaryBuilder, evaluation: Evaluation): void {
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
}

/** The findings in force, blocking ones first, at most `top`. */
export function topFindings(md: SummaryBuilder, evaluation: Evaluation, top = 50): void {
  const inForce = evaluation.findings.filter((f) => !f.suppressed).sort(byPriority);
  if (inForce.length === 0) {
    md.paragraph('No findings remain after the policy was applied.');
    return;
  }
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
}

/** What ignore rules and VEX suppressed, each with its reason, and how many only-fixed left out. */
export function suppressedFindings(md: SummaryBuilder, evaluation: Evaluation, limit = 100): void {
  const { suppressed, unfixed } = setAside(evaluation);
  if (suppressed.length === 0 && unfixed === 0) return;
  md.heading('Suppressed', 3);
  if (unfixed > 0) md.paragraph(`${unfixed} finding(s) without a fixed version were left out (only-fixed).`);
  if (suppressed.length === 0) return;
  md.table(
    ['Vulnerability', 'Package', 'Severity', 'By', 'Reason'],
    suppressed.slice(0, limit).map((f) => {
      const s = f.suppressed!;
      const by = suppressedBy(s, fileName);
      return [
        linked(f),
        `${f.match.artifact.name} ${f.match.artifact.version}`,
        capitalize(f.severity),
        by,
        s.reason,
      ];
    }),
  );
  if (suppressed.length > limit) md.paragraph(`…and ${suppressed.length - limit} more in the JSON report.`);
}

/** Ignore rules past their date: each fails the gate until it is renewed or removed. */
export function expiredRules(md: SummaryBuilder, evaluation: Evaluation): void {
  if (evaluation.expiredRules.length === 0) return;
  md.heading('Expired ignore rules', 3);
  md.list(
    evaluation.expiredRules.map(
      (r) =>
        `rule ${r.index} of \`${fileName(r.file)}\`: ${inlineText(r.id)} expired on ${r.expires} — ${inlineText(r.reason)}`,
    ),
  );
}

/** Ignore rules in force that matched nothing: candidates for removal. */
export function unusedRules(md: SummaryBuilder, evaluation: Evaluation): void {
  if (evaluation.unusedRules.length === 0) return;
  md.paragraph(
    `Ignore rules that matched nothing (remove them?): ${evaluation.unusedRules.map((r) => `${r.index} (${inlineText(r.id)})`).join(', ')}.`,
  );
}

export function renderSummary(
  md: SummaryBuilder,
  evaluation: Evaluation,
  context: SummaryContext = {},
): void {
  verdictHeading(md, evaluation, context);
  policyFacts(md, evaluation, context);
  reasons(md, evaluation);
  countsTable(md, evaluation);
  topFindings(md, evaluation, context.top);
  suppressedFindings(md, evaluation, context.suppressedTop);
  expiredRules(md, evaluation);
  unusedRules(md, evaluation);
}
