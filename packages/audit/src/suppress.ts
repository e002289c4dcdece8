import { isRuleId, type RuleId } from './rules.js';
import type { SourceFile } from './source.js';
import type { RawFinding } from './checks/context.js';

/** zizmor's audit names for the rules we share, so its suppression comments keep working. */
const ZIZMOR_NAMES: Record<string, RuleId[]> = {
  'unpinned-uses': ['PIN001'],
  'unpinned-images': ['PIN009'],
  'ref-version-mismatch': ['PIN004'],
  artipacked: ['CRED001'],
  'secrets-inherit': ['CRED002'],
  'excessive-permissions': ['PERM002', 'PERM003'],
  'undocumented-permissions': ['PERM003'],
  'dangerous-triggers': ['TRIG001'],
  'template-injection': ['INJ001'],
  'cache-poisoning': ['CACHE001'],
  'secrets-outside-env': ['CRED003'],
};

export interface Suppression {
  line: number;
  column: number;
  rules: RuleId[];
  unknown: string[];
  reason: string;
}

const PATTERN = /^\s*(release-actions|zizmor):\s*ignore\[([^\]]*)\]\s*(.*)$/;

export function parseSuppression(comment: string): Omit<Suppression, 'line' | 'column'> | undefined {
  const match = PATTERN.exec(comment);
  if (!match) return undefined;
  const [, tool, list, reason] = match as unknown as [string, string, string, string];
  const rules: RuleId[] = [];
  const unknown: string[] = [];
  for (const name of list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')) {
    const upper = name.toUpperCase();
    if (isRuleId(upper)) rules.push(upper);
    else if (tool === 'zizmor' && ZIZMOR_NAMES[name]) rules.push(...ZIZMOR_NAMES[name]);
    else unknown.push(name);
  }
  return { rules, unknown, reason: reason.trim() };
}

/** Every suppression comment in a file, by the line it applies to. */
export function suppressions(source: SourceFile): Suppression[] {
  const out: Suppression[] = [];
  for (const [line, comment] of source.comments) {
    const parsed = parseSuppression(comment);
    if (parsed) out.push({ ...parsed, line, column: source.commentColumns.get(line) ?? 1 });
  }
  return out;
}

export function isJustified(s: Suppression): boolean {
  return s.reason !== '' && s.unknown.length === 0 && s.rules.length > 0;
}

/**
 * A suppression applies to findings on its own line, or, written alone on a line, to the next line.
 * Without a reason it suppresses nothing and is itself a finding (META001).
 */
export function applySuppressions(
  all: readonly Suppression[],
  commentOnlyLines: ReadonlySet<number>,
  findings: RawFinding[],
): { kept: RawFinding[]; suppressed: number; meta: RawFinding[] } {
  const byLine = new Map<number, Suppression[]>();
  for (const s of all) {
    if (!isJustified(s)) continue;
    const target = commentOnlyLines.has(s.line) ? [s.line, s.line + 1] : [s.line];
    for (const line of target) byLine.set(line, [...(byLine.get(line) ?? []), s]);
  }
  const kept: RawFinding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    if ((byLine.get(finding.line) ?? []).some((s) => s.rules.includes(finding.rule))) suppressed++;
    else kept.push(finding);
  }
  const meta: RawFinding[] = all
    .filter((s) => !isJustified(s))
    .map((s) => ({
      rule: 'META001',
      line: s.line,
      column: s.column,
      message:
        s.unknown.length > 0
          ? `The suppression names unknown rule(s) ${s.unknown.join(', ')}; it suppresses nothing.`
          : s.rules.length === 0
            ? 'The suppression names no rule; it suppresses nothing.'
            : `The suppression of ${s.rules.join(', ')} gives no reason; it suppresses nothing.`,
    }));
  return { kept, suppressed, meta };
}
