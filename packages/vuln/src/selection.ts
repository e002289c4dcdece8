import { InputError, mention } from '@release-actions/core';
import { parsePlatformSelection, sourceSyntax, type PlatformSelection } from '@release-actions/sbom/inputs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ScanSource } from './grype.js';

/**
 * What one scan judges, as the front end was given it: one thing to scan (an image, an SBOM or a
 * directory), the sbom step's platforms manifest, an image with the platforms of its index, or
 * (the CLI's `--report`) a grype report that was already made.
 */
export interface ScanSubject {
  image?: string;
  sbom?: string;
  path?: string;
  /** An image archive (docker save, OCI tar) or any single file. */
  file?: string;
  /** The sbom step's `<prefix>-platforms.json`: every platform in it is scanned and judged. */
  sbomManifest?: string;
  /** With `image`: `all` or `os/arch[/variant],…`, each platform of the index scanned by its digest. */
  platforms?: string;
  /** A grype JSON report to judge instead of running grype. */
  report?: string;
}

/** The one way a subject is scanned, once its inputs are known to fit together. */
export type ScanPlan =
  | { kind: 'source'; source: ScanSource }
  | { kind: 'report'; report: string }
  | { kind: 'manifest'; manifest: string }
  | { kind: 'platforms'; image: string; selection: PlatformSelection };

/**
 * Checks that the inputs name one thing to scan, one way, before anything is read or run: exactly
 * one of image, sbom, path and file; a manifest alone; platforms only with an image; a report alone.
 */
export function planScan(subject: ScanSubject): ScanPlan {
  const selection = subject.platforms === undefined ? undefined : parsePlatformSelection(subject.platforms);
  const given: ScanSource[] = [];
  if (subject.image !== undefined) given.push({ kind: 'image', value: subject.image });
  if (subject.sbom !== undefined) given.push({ kind: 'sbom', value: subject.sbom });
  if (subject.path !== undefined) given.push({ kind: 'path', value: subject.path });
  if (subject.file !== undefined) given.push({ kind: 'file', value: subject.file });

  if (subject.report !== undefined) {
    if (given.length > 0 || subject.sbomManifest !== undefined || selection !== undefined) {
      throw new InputError('judges one report; give nothing else to scan with it.', { input: 'report' });
    }
    return { kind: 'report', report: subject.report };
  }
  if (subject.sbomManifest !== undefined) {
    if (given.length > 0) {
      throw new InputError('names what to scan; give no other source (image, SBOM, path or file) with it.', {
        input: 'sbom-manifest',
      });
    }
    if (selection !== undefined && selection !== 'all') {
      throw new InputError(
        "every platform of the sbom step's platforms manifest is scanned; give all or leave it out.",
        { input: 'platforms' },
      );
    }
    return { kind: 'manifest', manifest: subject.sbomManifest };
  }
  if (selection !== undefined && subject.image === undefined) {
    throw new InputError(
      "applies to an image read from the registry (with the sbom step's platforms manifest, every platform of the manifest is scanned).",
      { input: 'platforms' },
    );
  }
  if (given.length !== 1) {
    const syntax = `${mention('source')} (${sourceSyntax('scan')})`;
    throw new InputError(
      given.length > 1
        ? `Give one thing to scan, not ${given.map((g) => g.kind).join(' and ')}: ${syntax}.`
        : `Give what to scan: ${syntax}.`,
    );
  }
  const source = given[0]!;
  if (selection !== undefined) return { kind: 'platforms', image: source.value, selection };
  return { kind: 'source', source };
}

/**
 * The directory a scan writes to when none is given: one per scanned thing (`scan-<hash>`), so
 * several scan steps of one job keep their files apart. `subject` names what a per-platform scan
 * judged (the index or the manifest's image), which the plan alone does not know.
 */
export function defaultOutputDir(under: string, plan: ScanPlan, subject: string): string {
  const key =
    plan.kind === 'source'
      ? `${plan.source.kind}:${plan.source.value}`
      : plan.kind === 'report'
        ? `report:${plan.report}`
        : `platforms:${subject}`;
  return path.join(under, `scan-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`);
}
