import { isAlias, Pair, Scalar, YAMLMap, type Document } from 'yaml';
import { inferJob } from './permissions.js';
import { buildModel, type Job, type Step } from './model.js';
import { asScalar, entry, parseSource, scalarText, type SourceFile } from './source.js';
import { YamlSyntaxError } from './errors.js';
import type { RuleId } from './rules.js';
import { isAction } from './uses.js';
import { writeFileSync } from 'node:fs';
import { readInputFile, silentLogger, type Logger } from '@release-actions/core';
import { AUDITED_FILE, type InputFile } from './audit.js';
import { unifiedDiff } from './diff.js';
import { displayPath, expandPaths } from './discover.js';

/** What --fix did to one file. */
export interface FixResult {
  file: string;
  /** Absolute path when the file came from disk (for writing it back). */
  path?: string;
  before: string;
  after: string;
  fixed: { rule: RuleId; line: number }[];
  /** Findings of fixable rules left alone, and why. */
  skipped: string[];
}

const PERSIST = 'persist-credentials';

/** Inserts a pair before the first of `before` keys present (or at the end), keeping the author's order. */
function insertPair(map: YAMLMap, pair: Pair, before: readonly string[]): void {
  const at = map.items.findIndex((item) => before.includes(String((item.key as Scalar | undefined)?.value)));
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

function lineOf(source: SourceFile, node: { range?: [number, number, number] | null }): number {
  return node.range ? source.lineCounter.linePos(node.range[0]).line : 0;
}

function fixCheckout(source: SourceFile, step: Step, result: FixResult): void {
  if (!step.uses || !isAction(step.uses.ref, 'actions/checkout')) return;
  const line = lineOf(source, step.uses.node);
  if (isAlias(entry(source, step.node, 'with')?.value)) {
    result.skipped.push(`CRED001 line ${line}: with: is an alias shared with other steps.`);
    return;
  }
  const existing = entry(source, step.with, PERSIST);
  if (existing) {
    if (scalarText(asScalar(source, existing.value)) !== 'false') {
      result.skipped.push(`CRED001 line ${line}: persist-credentials is set explicitly; left as written.`);
    }
    return;
  }
  if (step.with) step.with.set(PERSIST, false);
  else if (!entry(source, step.node, 'with')) {
    const withMap = new YAMLMap();
    withMap.set(PERSIST, false);
    step.node.set('with', withMap);
  } else {
    result.skipped.push(`CRED001 line ${line}: with: is not a plain mapping.`);
    return;
  }
  result.fixed.push({ rule: 'CRED001', line });
}

/** Quote state at each offset of a shell line: a single-quoted `${X}` would not expand. */
function insideSingleQuotes(script: string, offset: number): 'single' | 'double' | 'none' {
  const lineStart = script.lastIndexOf('\n', offset - 1) + 1;
  let state: 'single' | 'double' | 'none' = 'none';
  for (let i = lineStart; i < offset; i++) {
    const c = script[i];
    if (state !== 'single' && c === '\\') i++;
    else if (state === 'none' && c === "'") state = 'single';
    else if (state === 'single' && c === "'") state = 'none';
    else if (state === 'none' && c === '"') state = 'double';
    else if (state === 'double' && c === '"') state = 'none';
  }
  return state;
}

const SECRET_EXPRESSION = /\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function fixSecrets(source: SourceFile, step: Step, job: Job | undefined, result: FixResult): void {
  if (!step.run || typeof step.run.value !== 'string') return;
  const line = lineOf(source, step.run);
  const script = step.run.value;
  if (!SECRET_EXPRESSION.test(script)) return;
  SECRET_EXPRESSION.lastIndex = 0;
  if (isAlias(entry(source, step.node, 'run')?.value) || isAlias(entry(source, step.node, 'env')?.value)) {
    result.skipped.push(`CRED003 line ${line}: run: or env: is an alias shared with other steps.`);
    return;
  }
  const shell = step.shell ?? (job?.runsOn?.toLowerCase().includes('windows') ? 'pwsh' : 'bash');
  if (!['bash', 'sh'].includes(shell.split(/\s/)[0] ?? '')) {
    result.skipped.push(`CRED003 line ${line}: shell ${shell} is not bash or sh; move the secret by hand.`);
    return;
  }
  if (/<<-?\s*['"\\]/.test(script)) {
    result.skipped.push(`CRED003 line ${line}: a quoted here-document would not expand the variable.`);
    return;
  }
  const env = step.env ?? (entry(source, step.node, 'env') ? undefined : new YAMLMap());
  if (!env) {
    result.skipped.push(`CRED003 line ${line}: env: is not a plain mapping.`);
    return;
  }
  const added: string[] = [];
  let changed = false;
  const updated = script.replace(SECRET_EXPRESSION, (match: string, name: string, offset: number) => {
    const quote = insideSingleQuotes(script, offset);
    if (quote === 'single') {
      result.skipped.push(`CRED003 line ${line}: ${match} is inside single quotes.`);
      return match;
    }
    const wanted = `\${{ secrets.${name} }}`;
    const current = env.get(name);
    const currentText = current instanceof Scalar ? current.value : current;
    if (currentText !== undefined && String(currentText).replace(/\s+/g, '') !== wanted.replace(/\s+/g, '')) {
      result.skipped.push(`CRED003 line ${line}: env ${name} already holds something else.`);
      return match;
    }
    if (currentText === undefined && !added.includes(name)) added.push(name);
    changed = true;
    return quote === 'double' ? `\${${name}}` : `"\${${name}}"`;
  });
  if (!changed) return;
  for (const name of added) env.set(name, `\${{ secrets.${name} }}`);
  if (!step.env) {
    // env: reads best before run:, unless run: opens the step (`- run: |`).
    const first = String((step.node.items[0]?.key as Scalar | undefined)?.value);
    if (first === 'run') step.node.items.push(new Pair(new Scalar('env'), env));
    else insertPair(step.node, new Pair(new Scalar('env'), env), ['run']);
  }
  const scalar = step.run;
  scalar.value = updated;
  result.fixed.push({ rule: 'CRED003', line });
}

function fixPermissions(
  source: SourceFile,
  doc: Document,
  root: YAMLMap,
  jobs: Job[],
  result: FixResult,
): void {
  if (entry(source, root, 'permissions')) return;
  const plans: { job: Job; needs: Record<string, string> }[] = [];
  for (const job of jobs) {
    if (job.permissions) continue;
    const inference = inferJob(source, job);
    if (inference.unknown.length > 0) {
      result.skipped.push(
        `PERM001: job "${job.id}" uses ${inference.unknown.join(', ')}, whose permissions cannot be inferred; add permissions: by hand.`,
      );
      return;
    }
    const needs = Object.fromEntries(Object.entries(inference.needs).sort(([a], [b]) => a.localeCompare(b)));
    plans.push({ job, needs });
  }
  const top = doc.createNode({}) as YAMLMap;
  insertPair(root, new Pair(new Scalar('permissions'), top), ['jobs']);
  for (const { job, needs } of plans) {
    const node = doc.createNode(needs) as YAMLMap;
    insertPair(job.node, new Pair(new Scalar('permissions'), node), ['steps', 'uses', 'with', 'secrets']);
  }
  result.fixed.push({ rule: 'PERM001', line: 1 });
}

/** Indentation the author used, so the rewritten file looks like theirs. */
function layout(text: string): { indent: number; indentSeq: boolean } {
  const indents = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => l.length - l.trimStart().length)
    .filter((n) => n > 0);
  const indent = Math.min(...indents, 8);
  const seq = /^( *)[\w-]+:\s*\n( *)- /m.exec(text);
  return {
    indent: Number.isFinite(indent) && indent > 0 ? indent : 2,
    indentSeq: seq ? seq[2]!.length > seq[1]!.length : true,
  };
}

/** Applies the safe fixes (CRED001, CRED003, PERM001) to one file's YAML document, keeping its comments. */
export function fixSource(input: InputFile): FixResult {
  const result: FixResult = {
    file: input.file,
    before: input.text,
    after: input.text,
    fixed: [],
    skipped: [],
  };
  let source: SourceFile | undefined;
  try {
    source = parseSource(input.file, input.text);
  } catch (error) {
    // The audit that follows reports the file with its line; nothing to fix in it.
    const line = error instanceof YamlSyntaxError ? ` (line ${error.line})` : '';
    result.skipped.push(`not valid YAML${line}.`);
    return result;
  }
  if (!source) return result;
  const model = buildModel(source);
  const doc = source.doc;
  if (model.kind === 'workflow') {
    // Permissions are inferred from the steps as written, before the other fixes touch them.
    fixPermissions(source, doc, model.root, model.jobs, result);
    for (const job of model.jobs) {
      for (const step of job.steps) {
        fixCheckout(source, step, result);
        fixSecrets(source, step, job, result);
      }
    }
  } else if (model.kind === 'action') {
    for (const step of model.steps) fixCheckout(source, step, result);
  } else return result;
  if (result.fixed.length === 0) return result;
  result.after = doc.toString({
    ...layout(input.text),
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: false,
  });
  return result;
}

export function fixSources(inputs: readonly InputFile[]): FixResult[] {
  return inputs.map(fixSource);
}

/** Reads the files (same scope as the audit) and computes their fixes; the caller writes them. */
export function fixFiles(cwd: string, paths: readonly string[]): FixResult[] {
  return expandPaths(cwd, paths).map((file) => {
    const shown = displayPath(cwd, file);
    let text: string;
    try {
      text = readInputFile(file, AUDITED_FILE);
    } catch (error) {
      return { file: shown, before: '', after: '', fixed: [], skipped: [(error as Error).message] };
    }
    return { ...fixSource({ file: shown, text }), path: file };
  });
}

function warnSkipped(fix: FixResult, logger: Logger): void {
  for (const s of fix.skipped) logger.warning(`${fix.file}: not fixed: ${s}`);
}

/** The fixes as a unified diff, writing nothing (--fix --dry-run). */
export function previewFixes(cwd: string, paths: readonly string[], logger: Logger = silentLogger): string {
  const fixes = fixFiles(cwd, paths);
  for (const f of fixes) warnSkipped(f, logger);
  return fixes.map((f) => unifiedDiff(f.file, f.before, f.after)).join('');
}

/** Writes the fixes back to the files and returns what the files now hold, for the audit that follows. */
export function applyFixes(
  cwd: string,
  paths: readonly string[],
  logger: Logger = silentLogger,
): InputFile[] {
  const fixes = fixFiles(cwd, paths);
  for (const f of fixes) {
    if (f.after !== f.before && f.path) {
      writeFileSync(f.path, f.after);
      logger.info(`${f.file}: fixed ${f.fixed.map((x) => x.rule).join(', ')}`);
    }
    warnSkipped(f, logger);
  }
  return fixes.map((f) => ({ file: f.file, text: f.after }));
}
