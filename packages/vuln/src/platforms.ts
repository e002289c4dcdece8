import { InputError, type Logger } from '@release-actions/core';
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
import path from 'node:path';
import type { GrypeReport } from './grype-report.js';
import type { ScanSource } from './grype.js';
import { total, type Evaluation } from './policy.js';
import type { SarifOutput } from './sarif.js';
import { DISPLAY_ORDER, emptyCounts, type SeverityCounts } from './severity.js';

/** One thing the gate judges on its own: a platform of an index, or the one thing given to scan. */
export interface GateTarget {
  /** `linux/arm64`; empty when no platform is known (a single image, an SBOM, a directory). */
  platform: string;
  /** The platform's digest; empty when what was given is scanned as it is. */
  digest: string;
  /** What grype scans; none when an existing grype report is judged. */
  source?: ScanSource;
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
export function targetsFromManifest(manifest: LoadedManifest): GateTarget[] {
  return manifest.platforms.map((entry, i) => {
    const paths = manifest.paths[i] ?? {};
    const format = SCAN_ORDER.find((f) => paths[f] !== undefined) as SbomFormat;
    const file = paths[format] as string;
    const doc = readSbom(file);
    checkDescribes(doc.subject, entry.digest, {
      what: `${path.basename(file)} (${entryName(entry)})`,
      input: 'sbom-manifest',
    });
    return {
      platform: entry.platform,
      digest: entry.digest,
      source: { kind: 'sbom', value: file },
      packages: doc.packages.length,
    };
  });
}

/** Where the platforms to judge come from: the sbom step's manifest, or an index in the registry. */
export type TargetRequest =
  { manifestFile: string } | { image: string; selection: PlatformSelection; logger: Logger };

/** What the gate judges, one target per platform, from a platforms manifest or from the registry. */
export async function resolveTargets(
  request: TargetRequest,
): Promise<{ subject: string; targets: GateTarget[] }> {
  if ('manifestFile' in request) {
    const manifest = readManifest(request.manifestFile);
    return { subject: manifest.subject, targets: targetsFromManifest(manifest) };
  }
  // Loaded only on this path: a gate over the sbom step's manifest never talks to a registry.
  const { RegistryClient } = await import('@release-actions/oci');
  const resolved = await new RegistryClient({ logger: request.logger }).resolve(request.image);
  const subject = `${resolved.registry}/${resolved.repository}@${resolved.digest}`;
  const chosen =
    resolved.platforms === undefined
      ? undefined
      : selectPlatforms(resolved.platforms, request.selection, subject);
  return { subject, targets: targetsFromImage({ ...resolved, ...(chosen ? { platforms: chosen } : {}) }) };
}

/** The platforms of an image in the registry, each scanned by its own digest (one target for a single image). */
export function targetsFromImage(resolved: Resolved): GateTarget[] {
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
export function platformSlug(target: Pick<GateTarget, 'platform' | 'digest'>): string {
  return target.platform
    ? target.platform.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')
    : target.digest.replace(':', '-').slice(0, 19);
}

/**
 * `<category>/<os>-<arch>[-<variant>]`: one code scanning category per platform, so the SARIF of
 * all platforms uploads in one step and no platform's alerts replace another's.
 */
export function platformCategory(category: string, target: Pick<GateTarget, 'platform' | 'digest'>): string {
  return `${category.replace(/\/+$/, '')}/${platformSlug(target)}`;
}

/** A target as the gate judged it, with the files it wrote. */
export interface JudgedTarget {
  target: GateTarget;
  evaluation: Evaluation;
  sarif: SarifOutput;
  sarifFile: string;
  jsonFile: string;
  report: GrypeReport;
  /** The grype that made the report: as the report says, else as `grype version` said. */
  grypeVersion?: string;
}

/** The platforms whose gate blocks, as they are named in messages. */
export function blockingPlatforms(results: readonly JudgedTarget[]): string[] {
  return results
    .filter((r) => r.evaluation.verdict !== 'pass')
    .map((r) => r.target.platform || r.target.digest);
}

/** Counts per severity summed over the platforms (the `counts` output of several platforms). */
export function summedCounts(results: readonly JudgedTarget[]): {
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
export function platformsJson(results: readonly JudgedTarget[]): Record<string, unknown>[] {
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
export function overallHeadline(results: readonly JudgedTarget[], subject: string, failBuild = true): string {
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
