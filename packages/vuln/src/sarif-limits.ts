import { ReleaseActionsError } from '@release-actions/core';
import { gzipSync } from 'node:zlib';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from './policy.js';
import { rank } from './severity.js';

/**
 * Serialises a SARIF log within GitHub's upload limits: when the findings are too many or the
 * file too large, the most important ones are kept (in force before suppressed, then the most
 * severe) and a sentence says what was left out.
 */

/** GitHub's upload limits: results per run, and the gzipped size of the file. */
export const SARIF_LIMITS = { results: 25_000, gzippedBytes: 10_000_000 } as const;

export interface SarifLimits {
  results: number;
  gzippedBytes: number;
}

/** How a finding becomes SARIF: the log around the findings, a rule per vulnerability, a result per finding. */
export interface SarifParts {
  /** The whole log with one run whose `tool.driver.rules` and `results` are empty lists. */
  skeleton: Log;
  rule(finding: Finding): ReportingDescriptor;
  result(finding: Finding, ruleIndex: number): Result;
}

export interface SerializedSarif {
  text: string;
  /** Findings written as results. */
  written: number;
  /** A sentence saying what was left out, when the log had to be trimmed. */
  trimmed?: string;
}

/** Findings in the order they are kept when trimming: in force before suppressed, then most severe. */
function byImportance(a: Finding, b: Finding): number {
  if (!a.suppressed !== !b.suppressed) return a.suppressed ? 1 : -1;
  return rank(b.severity) - rank(a.severity);
}

/**
 * The log's text. Each rule and result is turned into JSON as soon as it is made, so the objects
 * die young (cheap to collect) instead of a whole log tree living until one big JSON.stringify:
 * with tens of thousands of findings that is most of the time spent here.
 */
function serialize(kept: readonly Finding[], parts: SarifParts): string {
  const rules: string[] = [];
  const ruleIndex = new Map<string, number>();
  const results: string[] = new Array(kept.length);
  for (let i = 0; i < kept.length; i++) {
    const finding = kept[i]!;
    const id = finding.match.vulnerability.id;
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push(JSON.stringify(parts.rule(finding)));
    }
    results[i] = JSON.stringify(parts.result(finding, index));
  }
  // One join builds the text: no intermediate copies of a log that can be tens of megabytes.
  const pieces = JSON.stringify(parts.skeleton).split(/(?<="rules":\[|"results":\[)/);
  if (pieces.length !== 3) {
    throw new ReleaseActionsError('SARIF skeleton without its rules and results lists');
  }
  const [head, middle, tail] = pieces as [string, string, string];
  const out: string[] = [head];
  for (let i = 0; i < rules.length; i++) out.push(i === 0 ? rules[i]! : `,${rules[i]!}`);
  out.push(middle);
  for (let i = 0; i < results.length; i++) out.push(i === 0 ? results[i]! : `,${results[i]!}`);
  out.push(tail);
  return out.join('');
}

export function serializeWithinLimits(
  findings: Finding[],
  parts: SarifParts,
  limits: SarifLimits = SARIF_LIMITS,
): SerializedSarif {
  const total = findings.length;
  let kept: Finding[] = findings;
  let reason: string | undefined;
  if (total > limits.results) {
    kept = [...findings].sort(byImportance).slice(0, limits.results);
    reason = `${limits.results.toLocaleString('en-US')} results per run`;
  }
  let text = serialize(kept, parts);
  // gzip never makes JSON this repetitive larger, so a log under the limit raw needs no check.
  // Level 1 compresses less than the uploader does: a conservative estimate, and a fast one.
  if (Buffer.byteLength(text) > limits.gzippedBytes) {
    let size = gzipSync(text, { level: 1 }).length;
    while (size > limits.gzippedBytes && kept.length > 0) {
      if (kept === findings) kept = [...findings].sort(byImportance);
      const keep = Math.floor(kept.length * (limits.gzippedBytes / size) * 0.95);
      kept = kept.slice(0, keep);
      reason = `${(limits.gzippedBytes / 1_000_000).toFixed(0)} MB gzipped per file`;
      text = serialize(kept, parts);
      size = gzipSync(text, { level: 1 }).length;
    }
  }
  const written = kept.length;
  return {
    text,
    written,
    ...(written < total
      ? {
          trimmed: `SARIF trimmed to the ${written} most severe of ${total} findings to stay within GitHub's limit of ${reason}; the JSON report has them all.`,
        }
      : {}),
  };
}
