import path from 'node:path';
import type { GrypeReport } from './grype-report.js';
import type { ScanSource } from './grype.js';

/**
 * Code scanning categories (a SARIF run's `automationDetails.id`): one per scanned thing, stable
 * across runs, so scans of different targets do not replace each other's alerts.
 */

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

/** `grype/<image name>`, `grype/dir/<path>` or `grype/file/<path>`: a stable category per scanned thing. */
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
  if (source?.kind === 'file') return `grype/file/${slug(source.value)}`;
  return categoryFor(report);
}

/**
 * The source a default category is made from: a directory or a file by its path relative to the
 * workspace when there is one, so the category is the same on every runner; anything else as it is.
 */
export function categorySource(
  source: ScanSource | undefined,
  workspace: string | undefined,
): ScanSource | undefined {
  if ((source?.kind !== 'path' && source?.kind !== 'file') || workspace === undefined) return source;
  return { kind: source.kind, value: path.relative(workspace, source.value) };
}
