import { InputError, readInputFile, type InputFileOptions, type Logger } from '@release-actions/core';
import { CheckContext, type PinRecord, type RawFinding } from './checks/context.js';
import { runFamilies } from './checks/registry.js';
import { EMPTY_CONFIG, isIgnored, type AuditConfig } from './config.js';
import { displayPath, expandPaths } from './discover.js';
import { compareFindings, type AuditError, type AuditResult, type Finding } from './finding.js';
import { buildModel } from './model.js';
import { rule } from './rules.js';
import { parseSource, type SourceFile } from './source.js';
import { YamlSyntaxError } from './errors.js';
import { applySuppressions, suppressions, type Suppression } from './suppress.js';

/** Larger than any real workflow by far; above it the file is refused rather than parsed. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A workflow or action file given to the audit (named by a path, or found in a folder). */
export const AUDITED_FILE: InputFileOptions = {
  maxBytes: MAX_FILE_BYTES,
  what: 'a workflow or action YAML file',
};

export interface InputFile {
  file: string;
  text: string;
}

export interface AuditOptions {
  config?: AuditConfig;
  logger?: Logger;
}

/** What the second pass needs of a file; the parsed document itself is not kept (memory). */
interface FileState {
  file: string;
  raw: RawFinding[];
  suppressions: Suppression[];
  commentOnlyLines: Set<number>;
}

/** Runs the per-file rules on a parsed file; `reason` says why a file that is neither workflow nor action was skipped. */
function checkSource(source: SourceFile): { ctx: CheckContext; kind: string; reason?: string } {
  const ctx = new CheckContext(source);
  const model = buildModel(source);
  if (model.kind === 'other') return { ctx, kind: model.kind, reason: model.reason };
  runFamilies(ctx, model);
  return { ctx, kind: model.kind };
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}

/** The other values of a group, at most three named: a message must stay one readable line. */
function others(values: readonly string[], own: string, show: (v: string) => string): string {
  const rest = values.filter((v) => v !== own);
  const named = rest.slice(0, 3).map(show).join(', ');
  return rest.length > 3 ? `${named} and ${rest.length - 3} more` : named;
}

/** PIN004: one action release pinned to several SHAs, or one SHA carrying several versions. */
function consistency(pins: PinRecord[]): Map<string, RawFinding[]> {
  const out = new Map<string, RawFinding[]>();
  const push = (pin: PinRecord, message: string): void => {
    const list = out.get(pin.file) ?? [];
    list.push({ rule: 'PIN004', line: pin.line, column: pin.column, message });
    out.set(pin.file, list);
  };
  const group = (key: (p: PinRecord) => string | undefined): Map<string, PinRecord[]> => {
    const groups = new Map<string, PinRecord[]>();
    for (const pin of pins) {
      const k = key(pin);
      if (k === undefined) continue;
      const list = groups.get(k);
      if (list) list.push(pin);
      else groups.set(k, [pin]);
    }
    return groups;
  };
  for (const list of group((p) => (p.version ? `${p.action}@${p.version}` : undefined)).values()) {
    const shas = [...new Set(list.map((p) => p.sha))];
    if (shas.length < 2) continue;
    for (const pin of list) {
      push(
        pin,
        `${pin.action} ${pin.version} is pinned here to ${short(pin.sha)} and elsewhere to ${others(shas, pin.sha, short)}.`,
      );
    }
  }
  for (const list of group((p) => `${p.action}@${p.sha}`).values()) {
    const versions = [...new Set(list.flatMap((p) => (p.version ? [p.version] : [])))];
    if (versions.length < 2) continue;
    for (const pin of list) {
      if (!pin.version) continue;
      push(
        pin,
        `${pin.action}@${short(pin.sha)} is commented ${pin.version} here and ${others(versions, pin.version, (v) => v)} elsewhere.`,
      );
    }
  }
  return out;
}

/** Audits texts already in memory (the CLI, the action, tests and the benchmark all end here). */
export function auditSources(inputs: readonly InputFile[], options: AuditOptions = {}): AuditResult {
  const config = options.config ?? EMPTY_CONFIG;
  const result: AuditResult = { files: [], findings: [], errors: [], skipped: [], suppressed: 0 };
  const states: FileState[] = [];
  const pins: PinRecord[] = [];
  for (const input of inputs) {
    result.files.push(input.file);
    let source: SourceFile | undefined;
    try {
      source = parseSource(input.file, input.text);
    } catch (error) {
      result.errors.push(syntaxError(input.file, error));
      continue;
    }
    if (!source) {
      result.skipped.push({ file: input.file, reason: 'empty file' });
      continue;
    }
    let checked: ReturnType<typeof checkSource>;
    try {
      checked = checkSource(source);
    } catch (error) {
      // A shape no rule expected must cost one file, never the whole run.
      result.errors.push({
        file: input.file,
        message: `could not be audited: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    const { ctx, reason } = checked;
    if (reason) {
      result.skipped.push({ file: input.file, reason });
      options.logger?.debug(`${input.file}: skipped, ${reason}`);
      continue;
    }
    states.push({
      file: source.file,
      raw: ctx.findings,
      suppressions: suppressions(source),
      commentOnlyLines: source.commentOnlyLines,
    });
    pins.push(...ctx.pins);
  }
  const pinFindings = consistency(pins);
  for (const state of states) {
    const raw = [...state.raw, ...(pinFindings.get(state.file) ?? [])];
    const { kept, suppressed, meta } = applySuppressions(state.suppressions, state.commentOnlyLines, raw);
    result.suppressed += suppressed;
    const seen = new Set<string>();
    for (const finding of [...kept, ...meta]) {
      const key = `${finding.rule}:${finding.line}:${finding.column}:${finding.message}`;
      if (seen.has(key)) continue; // one node reached twice through an alias
      seen.add(key);
      const setting = config.rules[finding.rule];
      if (setting?.disabled || isIgnored(config, state.file, finding.rule)) {
        result.suppressed++;
        continue;
      }
      const definition = rule(finding.rule);
      result.findings.push({
        rule: finding.rule,
        severity: setting?.severity ?? finding.severity ?? definition.severity,
        file: state.file,
        line: finding.line,
        column: finding.column,
        message: finding.message,
        fix: definition.fix,
      } satisfies Finding);
    }
  }
  result.findings.sort(compareFindings);
  return result;
}

function syntaxError(file: string, error: unknown): AuditError {
  if (error instanceof YamlSyntaxError) {
    return { file, line: error.line, column: error.column, message: `not valid YAML: ${error.message}` };
  }
  return { file, message: error instanceof Error ? error.message : String(error) };
}

/** Reads the files (default scope when no path is given) and audits them. */
export function auditPaths(cwd: string, paths: readonly string[], options: AuditOptions = {}): AuditResult {
  const files = expandPaths(cwd, paths);
  const inputs: InputFile[] = [];
  const errors: AuditError[] = [];
  for (const file of files) {
    const shown = displayPath(cwd, file);
    try {
      inputs.push({ file: shown, text: readInputFile(file, AUDITED_FILE) });
    } catch (error) {
      errors.push({
        file: shown,
        message:
          error instanceof InputError
            ? error.message
            : `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  options.logger?.debug(`auditing ${inputs.length} file(s)`);
  const result = auditSources(inputs, options);
  result.files.push(...errors.map((e) => e.file));
  result.errors.unshift(...errors);
  return result;
}
