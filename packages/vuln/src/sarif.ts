import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { Evaluation, Finding } from './policy.js';
import type { GrypeCvss, GrypeMatch, GrypeReport } from './grype-report.js';
import { grypeVersionOf } from './report.js';
import { rank, type Severity } from './severity.js';

/**
 * SARIF 2.1.0 for GitHub code scanning, written from grype's JSON report and our verdict (rather
 * than taken from `grype -o sarif`) so that it carries what code scanning needs and grype does
 * not write: a category per target in `automationDetails.id`, our ignore/VEX decisions as
 * suppressions, and a size within the upload limits.
 */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub's upload limits: results per run, and the gzipped size of the file. */
export const SARIF_LIMITS = { results: 25_000, gzippedBytes: 10_000_000 } as const;

export interface SarifOptions {
  /** Code scanning category; by default derived from the target (see `categoryFor`). */
  category?: string;
  /** Override the limits (tests). */
  limits?: { results: number; gzippedBytes: number };
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

/** The image reference without its tag and digest: scans of new tags of one image share a category. */
function imageName(reference: string): string {
  let name = reference.replace(/^(registry|docker|podman|containerd):/, ''); // grype's image schemes
  const at = name.indexOf('@');
  if (at !== -1) name = name.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  return name;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._/-]+/g, '-')
      .replace(/\/{2,}/g, '/')
      .replace(/^[-/.]+|[-/.]+$/g, '') || 'unknown'
  );
}

/** `grype/<image name>` or `grype/dir/<path>`: a stable category per scanned thing. */
export function categoryFor(report: GrypeReport): string {
  const source = report.source;
  const target = source?.target;
  if (source?.type === 'image' && typeof target === 'object' && target?.userInput) {
    return `grype/${slug(imageName(target.userInput))}`;
  }
  const text = typeof target === 'string' ? target : (target?.userInput ?? 'unknown');
  if (source?.type === 'directory') return `grype/dir/${slug(text)}`;
  return `grype/${slug(text)}`;
}

/** `grype/<image name>`: the category of an image, whatever its tag or digest. */
export function imageCategory(reference: string): string {
  return `grype/${slug(imageName(reference))}`;
}

/**
 * The category when none is given: from what was asked for (an image's name, a directory relative
 * to the workspace, so it is the same on every runner), or for an SBOM from what the report says
 * the SBOM describes.
 */
export function defaultCategory(
  source: { kind: string; value: string } | undefined,
  report: GrypeReport,
): string {
  if (source?.kind === 'image') return imageCategory(source.value);
  if (source?.kind === 'path')
    return `grype/dir/${slug(source.value) === 'unknown' ? 'root' : slug(source.value)}`;
  return categoryFor(report);
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

/**
 * Serialises the log. Each rule and result is turned into JSON as soon as it is made, so the
 * objects die young (cheap to collect) instead of a whole log tree living until one big
 * JSON.stringify: with tens of thousands of findings that is most of the time spent here.
 */
function serialize(
  evaluation: Evaluation,
  kept: readonly Finding[],
  report: GrypeReport,
  category: string,
): string {
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
      rules.push(JSON.stringify(rule(finding)));
    }
    results[i] = JSON.stringify(result(finding, index, evaluation.target));
  }
  const version = grypeVersionOf(report);
  const run: Run = {
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
  };
  const skeleton = JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] } satisfies Log);
  // One join builds the text: no intermediate copies of a log that can be tens of megabytes.
  const pieces = skeleton.split(/(?<="rules":\[|"results":\[)/);
  if (pieces.length !== 3) throw new Error('SARIF skeleton without its rules and results lists');
  const [head, middle, tail] = pieces as [string, string, string];
  const parts: string[] = [head];
  for (let i = 0; i < rules.length; i++) parts.push(i === 0 ? rules[i]! : `,${rules[i]!}`);
  parts.push(middle);
  for (let i = 0; i < results.length; i++) parts.push(i === 0 ? results[i]! : `,${results[i]!}`);
  parts.push(tail);
  return parts.join('');
}

/** Findings in the order they are kept when trimming: in force before suppressed, then most severe. */
function byImportance(a: Finding, b: Finding): number {
  if (!a.suppressed !== !b.suppressed) return a.suppressed ? 1 : -1;
  return rank(b.severity) - rank(a.severity);
}

export function toSarif(
  evaluation: Evaluation,
  report: GrypeReport,
  options: SarifOptions = {},
): SarifOutput {
  const limits = options.limits ?? SARIF_LIMITS;
  const category = options.category?.trim() || categoryFor(report);
  const total = evaluation.findings.length;
  let kept: Finding[] = evaluation.findings;
  let reason: string | undefined;
  if (total > limits.results) {
    kept = [...evaluation.findings].sort(byImportance).slice(0, limits.results);
    reason = `${limits.results.toLocaleString('en-US')} results per run`;
  }
  let text = serialize(evaluation, kept, report, category);
  // gzip never makes JSON this repetitive larger, so a log under the limit raw needs no check.
  // Level 1 compresses less than the uploader does: a conservative estimate, and a fast one.
  if (Buffer.byteLength(text) > limits.gzippedBytes) {
    let size = gzipSync(text, { level: 1 }).length;
    while (size > limits.gzippedBytes && kept.length > 0) {
      if (kept === evaluation.findings) kept = [...evaluation.findings].sort(byImportance);
      const keep = Math.floor(kept.length * (limits.gzippedBytes / size) * 0.95);
      kept = kept.slice(0, keep);
      reason = `${(limits.gzippedBytes / 1_000_000).toFixed(0)} MB gzipped per file`;
      text = serialize(evaluation, kept, report, category);
      size = gzipSync(text, { level: 1 }).length;
    }
  }
  const written = kept.length;
  let log: Log | undefined;
  return {
    // Parsed only when someone asks (tests); the action and the CLI write `text`.
    get log(): Log {
      log ??= JSON.parse(text) as Log;
      return log;
    },
    text,
    category,
    written,
    total,
    ...(written < total
      ? {
          trimmed: `SARIF trimmed to the ${written} most severe of ${total} findings to stay within GitHub's limit of ${reason}; the JSON report has them all.`,
        }
      : {}),
  };
}
