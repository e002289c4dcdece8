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
  /** Each known name as written, with the rules it stands for (a zizmor name may stand for several). */
  names: { name: string; rules: RuleId[] }[];
  unknown: string[];
  reason: string;
}

const PATTERN = /^\s*(release-actions|zizmor):\s*ignore\[([^\]]*)\]\s*(.*)$/;

function parse(comment: string): Omit<Suppression, 'line' | 'column'> | undefined {
  const match = PATTERN.exec(comment);
  if (!match) return undefined;
  const [, tool, list, reason] = match as unknown as [string, string, string, string];
  const names: Suppression['names'] = [];
  const unknown: string[] = [];
  for (const name of list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')) {
    const upper = name.toUpperCase();
    if (isRuleId(upper)) names.push({ name: upper, rules: [upper] });
    else if (tool === 'zizmor' && ZIZMOR_NAMES[name]) names.push({ name, rules: ZIZMOR_NAMES[name] });
    else unknown.push(name);
  }
  return { rules: names.flatMap((n) => n.rules), names, unknown, reason: reason.trim() };
}

/** A comment's suppression: the rules it names, the names it does not know, its reason. */
export function parseSuppression(
  comment: string,
): Pick<Suppression, 'rules' | 'unknown' | 'reason'> | undefined {
  const parsed = parse(comment);
  return parsed && { rules: parsed.rules, unknown: parsed.unknown, reason: parsed.reason };
}

/** Every suppression comment in a file, by the line it applies to. */
export function suppressions(source: SourceFile): Suppression[] {
  const out: Suppression[] = [];
  for (const [line, comment] of source.comments) {
    const parsed = parse(comment);
    if (parsed) out.push({ ...parsed, line, column: source.commentColumns.get(line) ?? 1 });
  }
  return out;
}

export function isJustified(s: Suppression): boolean {
  return s.reason !== '' && s.unknown.length === 0 && s.rules.length > 0;
}

/** The lines a suppression covers: its own, and the next when it is written alone on its line. */
function coveredLines(s: Suppression, commentOnlyLines: ReadonlySet<number>): number[] {
  return commentOnlyLines.has(s.line) ? [s.line, s.line + 1] : [s.line];
}

/**
 * PIN004 compares the files audited together: audited alone, a file has none of its findings, so
 * a suppression of it cannot be called stale.
 */
const JUDGED_ACROSS_FILES: readonly RuleId[] = ['PIN004'];

function shownName(n: Suppression['names'][number]): string {
  return n.rules.length === 1 && n.rules[0] === n.name ? n.name : `${n.name} (${n.rules.join(', ')})`;
}

/**
 * META001 for a justified suppression naming rules that find nothing on the lines it covers. The
 * findings given are all the audit made, before config and min-severity filter them, so a
 * suppression of a disabled rule or of a low finding that is not shown still counts as used.
 */
function staleSuppressions(
  all: readonly Suppression[],
  commentOnlyLines: ReadonlySet<number>,
  findings: readonly RawFinding[],
): RawFinding[] {
  const out: RawFinding[] = [];
  for (const s of all) {
    if (!isJustified(s)) continue;
    const lines = coveredLines(s, commentOnlyLines);
    const found = new Set(findings.filter((f) => lines.includes(f.line)).map((f) => f.rule));
    const stale = s.names.filter(
      (n) => !n.rules.some((r) => found.has(r) || JUDGED_ACROSS_FILES.includes(r)),
    );
    if (stale.length === 0) continue;
    const list = stale.map(shownName).join(', ');
    const line = lines.at(-1)!;
    out.push({
      rule: 'META001',
      line: s.line,
      column: s.column,
      message:
        stale.length === s.names.length
          ? `The suppression of ${list} covers line ${line}, where ${stale.length > 1 ? 'none of them finds anything' : 'it finds nothing'}; remove it.`
          : `The suppression names ${list}, which ${stale.length > 1 ? 'find' : 'finds'} nothing on line ${line}; remove ${stale.length > 1 ? 'them' : 'it'} from the list.`,
    });
  }
  return out;
}

/**
 * A suppression applies to findings on its own line, or, written alone on a line, to the next line.
 * Without a reason it suppresses nothing and is itself a finding (META001), as is one that has
 * nothing to suppress.
 */
export function applySuppressions(
  all: readonly Suppression[],
  commentOnlyLines: ReadonlySet<number>,
  findings: RawFinding[],
): { kept: RawFinding[]; suppressed: number; meta: RawFinding[] } {
  const byLine = new Map<number, Suppression[]>();
  for (const s of all) {
    if (!isJustified(s)) continue;
    for (const line of coveredLines(s, commentOnlyLines)) byLine.set(line, [...(byLine.get(line) ?? []), s]);
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
  meta.push(...staleSuppressions(all, commentOnlyLines, findings));
  return { kept, suppressed, meta };
}
