import { createHash } from 'node:crypto';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { categoryFor } from './category.js';
import type { GrypeCvss, GrypeMatch, GrypeReport } from './grype-report.js';
import type { Evaluation, Finding } from './policy.js';
import { grypeVersionOf } from './report.js';
import { serializeWithinLimits, type SarifLimits } from './sarif-limits.js';
import type { Severity } from './severity.js';

/**
 * SARIF 2.1.0 for GitHub code scanning, written from grype's JSON report and our verdict (rather
 * than taken from `grype -o sarif`) so that it carries what code scanning needs and grype does
 * not write: a category per target in `automationDetails.id`, our ignore/VEX decisions as
 * suppressions, and a size within the upload limits (sarif-limits.ts).
 */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifOptions {
  /** Code scanning category; by default derived from the target (see `categoryFor`). */
  category?: string;
  /** Override the limits (tests). */
  limits?: SarifLimits;
}

export interface SarifOutput {
  /** The log as objects (parsed from `text` on first use). */
  readonly log: Log;
  /** The serialised log, as written to disk. */
  text: string;
  category: string;
  /** Results written, and results there were before trimming. */
  written: number;
  total: number;
  /** A sentence saying what was left out, when the log had to be trimmed. */
  trimmed?: string;
}

/** GitHub's severity bands for `security-severity` (critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0). */
const BANDS: Record<Severity, [number, number]> = {
  critical: [9.0, 10.0],
  high: [7.0, 8.9],
  medium: [4.0, 6.9],
  low: [0.1, 3.9],
  negligible: [0.0, 3.9],
  unknown: [0.0, 10.0],
};
const FALLBACK_SCORE: Record<Severity, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
  negligible: 0.5,
  unknown: 0.0,
};

function bestCvss(match: GrypeMatch): number | undefined {
  let best: number | undefined;
  let bestIsV2 = true;
  const consider = (list: GrypeCvss[] | null | undefined) => {
    for (const entry of list ?? []) {
      const score = entry?.metrics?.baseScore;
      if (typeof score !== 'number' || !Number.isFinite(score)) continue;
      const isV2 = (entry.version ?? '').startsWith('2');
      // A CVSS v3/v4 score is preferred to a v2 one; among equals, the highest.
      if (best === undefined || (bestIsV2 && !isV2) || (isV2 === bestIsV2 && score > best)) {
        best = score;
        bestIsV2 = isV2;
      }
    }
  };
  consider(match.vulnerability.cvss);
  if (best === undefined) for (const related of match.relatedVulnerabilities ?? []) consider(related?.cvss);
  return best;
}

/**
 * The `security-severity` of a finding: its best CVSS base score when that score lies in the
 * band of grype's severity, else a score inside that band. Code scanning then shows the same
 * severity as our gate and the summary, even when a distro rates a CVE below its NVD score.
 */
export function securitySeverity(severity: Severity, match: GrypeMatch): string {
  const [low, high] = BANDS[severity];
  const cvss = bestCvss(match);
  const score = cvss !== undefined && cvss >= low && cvss <= high ? cvss : FALLBACK_SCORE[severity];
  return score.toFixed(1);
}

function level(severity: Severity): Result.level {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

function locationPath(match: GrypeMatch): string {
  const location = (match.artifact.locations ?? []).find((l) => l?.path || l?.accessPath);
  const raw = location?.path || location?.accessPath || `${match.artifact.name}`;
  return raw
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function fixText(match: GrypeMatch): string {
  const versions = match.vulnerability.fix?.versions ?? [];
  if (match.vulnerability.fix?.state === 'fixed' && versions.length > 0)
    return `fixed in ${versions.join(', ')}`;
  if (match.vulnerability.fix?.state === 'wont-fix') return 'will not be fixed';
  return 'no fix available';
}

/** A link for a vulnerability: its data source or first URL, when it is an http(s) URL. */
export function vulnerabilityLink(match: GrypeMatch): string | undefined {
  const candidates = [match.vulnerability.dataSource, ...(match.vulnerability.urls ?? [])];
  return candidates.find((url): url is string => typeof url === 'string' && /^https?:\/\/\S+$/.test(url));
}

function description(match: GrypeMatch): string | undefined {
  if (match.vulnerability.description) return match.vulnerability.description;
  return (match.relatedVulnerabilities ?? []).find((r) => r?.description)?.description;
}

function rule(finding: Finding): ReportingDescriptor {
  const { match, severity } = finding;
  const id = match.vulnerability.id;
  const link = vulnerabilityLink(match);
  // The description is written once (fullDescription); help carries only what to do next, which
  // keeps rules small when a large image has thousands of distinct vulnerabilities.
  const text = description(match) ?? `${id} is a ${severity} vulnerability.`;
  const fix = fixText(match);
  return {
    id,
    shortDescription: { text: `${id} (${severity})` },
    fullDescription: { text },
    ...(link ? { helpUri: link } : {}),
    help: {
      text: `${id} (${severity}): ${fix}.${link ? ` More: ${link}` : ''}`,
      markdown: `**${id}** (${severity}): ${fix}.${link ? ` [More about ${id}](${link})` : ''}`,
    },
    defaultConfiguration: { level: level(severity) },
    properties: {
      'security-severity': securitySeverity(severity, match),
      tags: ['security', 'vulnerability', severity],
    },
  };
}

function result(finding: Finding, ruleIndex: number, targetName: string): Result {
  const { match, severity } = finding;
  const artifact = match.artifact;
  const uri = locationPath(match);
  const location: Location = {
    physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } },
    logicalLocations: [
      {
        name: artifact.name,
        fullyQualifiedName: artifact.purl || `${artifact.name}@${artifact.version}`,
        kind: 'package',
      },
    ],
  };
  const fingerprint = createHash('sha256')
    .update(
      `${match.vulnerability.id}\0${artifact.name}\0${artifact.version}\0${artifact.type ?? ''}\0${uri}`,
    )
    .digest('hex');
  const out: Result = {
    ruleId: match.vulnerability.id,
    ruleIndex,
    level: level(severity),
    message: {
      text: `${match.vulnerability.id} (${severity}) in ${artifact.type ? `${artifact.type} package ` : ''}${artifact.name} ${artifact.version} of ${targetName}: ${fixText(match)}.`,
    },
    locations: [location],
    partialFingerprints: { primaryLocationLineHash: `${fingerprint}:1` },
  };
  if (finding.suppressed) {
    out.suppressions = [{ kind: 'external', status: 'accepted', justification: finding.suppressed.reason }];
  }
  return out;
}

export function toSarif(
  evaluation: Evaluation,
  report: GrypeReport,
  options: SarifOptions = {},
): SarifOutput {
  const category = options.category?.trim() || categoryFor(report);
  const version = grypeVersionOf(report);
  const skeleton: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'grype',
            ...(version ? { version } : {}),
            informationUri: 'https://github.com/anchore/grype',
            rules: [],
          },
        },
        // The category is everything before the last slash; the trailing slash keeps it whole.
        automationDetails: { id: `${category}/` },
        results: [],
      },
    ],
  };
  const serialized = serializeWithinLimits(
    evaluation.findings,
    { skeleton, rule, result: (finding, ruleIndex) => result(finding, ruleIndex, evaluation.target) },
    options.limits,
  );
  let log: Log | undefined;
  return {
    // Parsed only when someone asks (tests); the action and the CLI write `text`.
    get log(): Log {
      log ??= JSON.parse(serialized.text) as Log;
      return log;
    },
    text: serialized.text,
    category,
    written: serialized.written,
    total: evaluation.findings.length,
    ...(serialized.trimmed ? { trimmed: serialized.trimmed } : {}),
  };
}
