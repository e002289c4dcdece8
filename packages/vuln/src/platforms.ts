import { InputError } from '@release-actions/core';
import type { Resolved } from '@release-actions/oci';
import type { LoadedManifest, PlatformSelection, SbomFormat } from '@release-actions/sbom';
import {
  checkDescribes,
  entryName,
  platformString,
  readManifest,
  readSbom,
  selectPlatforms,
} from '@release-actions/sbom';
import type { Logger } from '@release-actions/core';
import path from 'node:path';
import type { ScanSource } from './grype.js';
import type { Evaluation, Policy } from './policy.js';
import type { GrypeReport } from './grype-report.js';
import { total } from './policy.js';
import type { SarifOutput } from './sarif.js';
import type { ScanEachOptions, ScanOutcome } from './scan.js';
import { judge, scanEach, writeSarif } from './scan.js';
import { catalogueSize } from './catalogue.js';
import { DISPLAY_ORDER, emptyCounts, type SeverityCounts } from './severity.js';
import type { SummaryBuilder, SummaryContext } from './summary.js';
import { renderSummary } from './summary.js';

/** One thing the gate judges on its own: a platform of an index (or the one image). */
export interface PlatformTarget {
  /** `linux/arm64`; empty for a single image whose platform is not known. */
  platform: string;
  digest: string;
  source: ScanSource;
  /** Packages the SBOM lists, counted when it was read for the digest check (SBOM sources only). */
  packages?: number;
}

/** The SBOM grype reads for a platform: syft JSON (grype's own input) first, then SPDX, then CycloneDX. */
const SCAN_ORDER: readonly SbomFormat[] = ['syft-json', 'spdx-json', 'cyclonedx-json'];

/**
 * The platforms of a manifest from the sbom step, each with the SBOM grype will read. Each SBOM
 * must describe its entry's digest: a file swapped for another platform's (or another image's)
 * would put one platform's verdict on another.
 */
export function targetsFromManifest(manifest: LoadedManifest, what: string): PlatformTarget[] {
  return manifest.platforms.map((entry, i) => {
    const paths = manifest.paths[i] ?? {};
    const format = SCAN_ORDER.find((f) => paths[f] !== undefined) as SbomFormat;
    const file = paths[format] as string;
    const doc = readSbom(file);
    checkDescribes(doc.subject, entry.digest, {
      what: `${what}: ${path.basename(file)} (${entryName(entry)})`,
    });
    return {
      platform: entry.platform,
      digest: entry.digest,
      source: { kind: 'sbom', value: file },
      packages: doc.packages.length,
    };
  });
}

export interface TargetRequest {
  /** The platforms manifest of the sbom step: every platform of it is gated. */
  manifestFile?: string;
  /** Else an image read from the registry, each selected platform scanned by its digest. */
  image?: string;
  selection?: PlatformSelection;
  /** How the front end names the manifest and the selection in errors (action inputs or CLI flags). */
  names: { manifest: string; platforms: string };
  logger: Logger;
}

/** What the gate judges, one target per platform, from a platforms manifest or from the registry. */
export async function resolveTargets(
  request: TargetRequest,
): Promise<{ subject: string; targets: PlatformTarget[] }> {
  const { names, selection } = request;
  if (request.manifestFile !== undefined) {
    if (selection !== undefined && selection !== 'all') {
      throw new InputError(
        `${names.platforms}: with ${names.manifest} every platform of the manifest is scanned; give all or leave it out.`,
      );
    }
    const manifest = readManifest(request.manifestFile, names.manifest);
    return { subject: manifest.subject, targets: targetsFromManifest(manifest, names.manifest) };
  }
  if (request.image === undefined || selection === undefined) {
    throw new InputError(
      `${names.platforms}: give an image to read from the registry, or ${names.manifest}.`,
    );
  }
  // Loaded only on this path: a gate over the sbom step's manifest never talks to a registry.
  const { RegistryClient } = await import('@release-actions/oci');
  const resolved = await new RegistryClient({ logger: request.logger }).resolve(request.image);
  const subject = `${resolved.registry}/${resolved.repository}@${resolved.digest}`;
  const chosen =
    resolved.platforms === undefined
      ? undefined
      : selectPlatforms(resolved.platforms, selection, names.platforms, subject);
  return { subject, targets: targetsFromImage({ ...resolved, ...(chosen ? { platforms: chosen } : {}) }) };
}

/** The platforms of an image in the registry, each scanned by its own digest (one target for a single image). */
export function targetsFromImage(resolved: Resolved): PlatformTarget[] {
  const base = `${resolved.registry}/${resolved.repository}`;
  if (resolved.platforms === undefined)
    return [
      {
        platform: '',
        digest: resolved.digest,
        source: { kind: 'image', value: `${base}@${resolved.digest}` },
      },
    ];
  if (resolved.platforms.length === 0)
    throw new InputError(`${base}@${resolved.digest} is an index without any platform.`);
  return resolved.platforms.map((m) => ({
    platform: platformString(m.platform),
    digest: m.digest,
    source: { kind: 'image', value: `${base}@${m.digest}` },
  }));
}

/** `linux-arm64-v8`: a platform in file names and code scanning categories. */
export function platformSlug(target: Pick<PlatformTarget, 'platform' | 'digest'>): string {
  return target.platform
    ? target.platform.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')
    : target.digest.replace(':', '-').slice(0, 19);
}

/**
 * `<category>/<os>-<arch>[-<variant>]`: one code scanning category per platform, so the SARIF of
 * all platforms uploads in one step and no platform's alerts replace another's.
 */
export function platformCategory(
  category: string,
  target: Pick<PlatformTarget, 'platform' | 'digest'>,
): string {
  return `${category.replace(/\/+$/, '')}/${platformSlug(target)}`;
}

export interface PlatformVerdict {
  target: PlatformTarget;
  evaluation: Evaluation;
  sarif: SarifOutput;
  sarifFile: string;
  jsonFile: string;
  report: GrypeReport;
}

/** The overall verdict: fail when any platform fails. */
export function overallVerdict(results: readonly PlatformVerdict[]): 'pass' | 'fail' {
  return results.some((r) => r.evaluation.verdict !== 'pass') ? 'fail' : 'pass';
}

/** The platforms whose gate blocks, as they are named in messages. */
export function blockingPlatforms(results: readonly PlatformVerdict[]): string[] {
  return results
    .filter((r) => r.evaluation.verdict !== 'pass')
    .map((r) => r.target.platform || r.target.digest);
}

/** Counts per severity summed over the platforms (the `counts` output of several platforms). */
export function summedCounts(results: readonly PlatformVerdict[]): {
  before: SeverityCounts;
  after: SeverityCounts;
  blocking: number;
} {
  const before = emptyCounts();
  const after = emptyCounts();
  let blocking = 0;
  for (const r of results) {
    for (const s of DISPLAY_ORDER) {
      before[s] += r.evaluation.before[s];
      after[s] += r.evaluation.after[s];
    }
    blocking += r.evaluation.blocking;
  }
  return { before, after, blocking };
}

/** The `platforms` output: one entry per platform with its own verdict and counts. */
export function platformsJson(results: readonly PlatformVerdict[]): Record<string, unknown>[] {
  return results.map((r) => ({
    platform: r.target.platform,
    digest: r.target.digest,
    verdict: r.evaluation.verdict,
    // Why a platform failed when no finding blocks it (an empty catalogue, say).
    reasons: r.evaluation.reasons,
    blocking: r.evaluation.blocking,
    counts: { before: r.evaluation.before, after: r.evaluation.after },
    total: total(r.evaluation.after),
    category: r.sarif.category,
    sarif: r.sarifFile,
    json: r.jsonFile,
  }));
}

/** One line for the log and the failure: the overall verdict, naming the platforms that block. */
export function overallHeadline(
  results: readonly PlatformVerdict[],
  subject: string,
  failBuild = true,
): string {
  const blocked = blockingPlatforms(results);
  if (blocked.length === 0)
    return `✅ Vulnerability gate passed for all ${results.length} platforms of ${subject}`;
  const prefix = failBuild
    ? '❌ Vulnerability gate blocked'
    : '⚠️ Vulnerability gate failed (fail-build is off)';
  const why = results
    .filter((r) => r.evaluation.verdict !== 'pass')
    .map((r) => `${r.target.platform || r.target.digest}: ${r.evaluation.reasons.join('; ')}`)
    .join(' | ');
  return `${prefix} for ${subject}: ${blocked.length} of ${results.length} platforms block (${blocked.join(', ')}) — ${why}`;
}

export interface GateOptions extends Omit<ScanEachOptions, 'targets'> {
  targets: readonly PlatformTarget[];
  policy: Policy;
  /** The code scanning category; each platform's is `<category>/<os>-<arch>[-<variant>]` when there are several. */
  category: string;
  /** grype.json per platform under `<outputDir>/<os>-<arch>/`, the SARIF under `<outputDir>/sarif/`. */
  outputDir: string;
  now?: Date;
}

export interface GateResult {
  results: PlatformVerdict[];
  verdict: 'pass' | 'fail';
  /** The SARIF file (one target) or the directory of one file per platform (several). */
  sarif: string;
  /** grype's JSON report (one target) or the directory of the per-platform directories (several). */
  json: string;
}

/**
 * Scans and judges each platform on its own, with one grype database. One target is written as
 * today (grype.json, grype.sarif, the category as given); several get a directory each and a SARIF
 * directory holding only their SARIF files, one category per platform, for one upload.
 */
export async function gatePlatforms(options: GateOptions): Promise<GateResult> {
  const several = options.targets.length > 1;
  if (options.targets.length === 0) throw new InputError('Nothing to scan: no platform was given.');
  const slugs = new Set<string>();
  const dirs = options.targets.map((target) => {
    if (!several) return options.outputDir;
    const slug = platformSlug(target);
    if (slugs.has(slug))
      throw new InputError(`Two platforms are both named ${slug}; each platform is scanned once.`);
    slugs.add(slug);
    return path.join(options.outputDir, slug);
  });
  const outcomes = await scanEach({
    ...options,
    targets: options.targets.map((target, i) => ({ source: target.source, outputDir: dirs[i] as string })),
  });
  const sarifDir = path.join(options.outputDir, 'sarif');
  const results: PlatformVerdict[] = [];
  for (const [i, target] of options.targets.entries()) {
    const outcome = outcomes[i] as ScanOutcome;
    const category = several ? platformCategory(options.category, target) : options.category;
    // Each platform's catalogue counts on its own: an empty one fails that platform.
    const packages = target.packages ?? (await catalogueSize(target.source));
    const { evaluation, sarif } = judge(outcome.report, options.policy, {
      category,
      now: options.now,
      packages,
    });
    const sarifFile = several
      ? path.join(sarifDir, `grype-${platformSlug(target)}.sarif`)
      : path.join(options.outputDir, 'grype.sarif');
    await writeSarif(sarifFile, sarif);
    if (sarif.trimmed) options.logger.notice(`${target.platform || target.digest}: ${sarif.trimmed}`);
    results.push({
      target,
      evaluation,
      sarif,
      sarifFile,
      jsonFile: outcome.jsonFile,
      report: outcome.report,
    });
  }
  const first = results[0] as PlatformVerdict;
  return {
    results,
    verdict: overallVerdict(results),
    sarif: several ? sarifDir : first.sarifFile,
    json: several ? options.outputDir : first.jsonFile,
  };
}

/**
 * The job summary of several platforms: the overall verdict naming the platforms that block, a
 * row per platform, then each platform's own section.
 */
export function renderPlatformsSummary(
  md: SummaryBuilder,
  gate: GateResult,
  subject: string,
  context: SummaryContext = {},
): void {
  const failBuild = context.failBuild ?? true;
  md.heading(
    gate.verdict === 'pass'
      ? `✅ Vulnerability scan: passed on all ${gate.results.length} platforms`
      : failBuild
        ? '❌ Vulnerability scan: blocked'
        : '⚠️ Vulnerability scan: failed (not blocking: fail-build is off)',
  );
  md.paragraph(overallHeadline(gate.results, `\`${subject.replace(/`/g, "'")}\``, failBuild));
  md.table(
    [
      'Platform',
      'Digest',
      'Verdict',
      'At or above cutoff',
      ...DISPLAY_ORDER.map((s) => s[0]!.toUpperCase() + s.slice(1)),
    ],
    gate.results.map((r) => [
      r.target.platform || '(image)',
      `\`${r.target.digest}\``,
      r.evaluation.verdict === 'pass' ? '✅ pass' : '❌ fail',
      String(r.evaluation.blocking),
      ...DISPLAY_ORDER.map((s) => String(r.evaluation.after[s])),
    ]),
  );
  for (const r of gate.results) {
    renderSummary(md, r.evaluation, {
      ...context,
      section: `${r.target.platform || r.target.digest} (\`${r.target.digest}\`)`,
    });
  }
}
