import { InputError, OperationalError, writeWhole } from '@release-actions/core';
import type { Platform, Resolved } from '@release-actions/oci';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SbomErrorCode } from './errors.js';
import type { SbomFormat } from './formats.js';
import { fileNameFor } from './formats.js';
import type { GenerateOptions, GenerateResult, SbomFile } from './generate.js';
import { generateSboms } from './generate.js';
import type { PlatformsManifest } from './manifest.js';
import { MANIFEST_VERSION, manifestFileName, manifestJson } from './manifest.js';
import type { PlatformSelection } from './platforms.js';
import { platformFileName, platformString, selectPlatforms } from './platforms.js';
import type { ScanSource } from './source.js';

/** What the registry says about an image: the reference resolved, and an index's platforms. */
export interface ImageLookup {
  resolve(reference: string): Promise<Resolved>;
  /** The platform in a single image's config, if it can be read (it only labels the entry). */
  platformOf?(reference: string): Promise<Platform | undefined>;
}

export interface PlatformSbomOptions extends Omit<GenerateOptions, 'platform'> {
  /** One platform of an index (the `platform` input). */
  platform?: string;
  /** `all` or a list (the `platforms` input); by default every platform of an index. */
  platforms?: PlatformSelection;
  /** The registry; used for an image read from the registry. */
  lookup?: ImageLookup;
}

export interface PlatformSbom {
  /** `linux/arm64`; empty for a single image whose platform is unknown. */
  platform: string;
  digest: string;
  result: GenerateResult;
}

export interface PlatformSbomResult {
  /** The files under the seed names (`<prefix>-spdx.json`, …): a single image's, or the first platform's. */
  seed: GenerateResult;
  /** One per catalogued platform digest, in the index's order; one for a single image. Empty without a digest. */
  platforms: PlatformSbom[];
  /** The digest given or resolved (the index's for an index), when the source is an image. */
  digest?: string;
  /** True when the image is a multi-platform index. */
  index: boolean;
  /** The platforms manifest written beside the files, when the SBOMs describe known digests. */
  manifest?: { file: string; content: PlatformsManifest };
}

function withFiles(result: GenerateResult, files: SbomFile[]): GenerateResult {
  return { ...result, files };
}

/**
 * SBOMs for every platform an image has. A multi-platform index gets one syft pass per platform
 * manifest, by that manifest's digest (so each SBOM describes exactly one digest), written as
 * `<prefix>-<format>-<os>-<arch>[-<variant>].json`, with the first platform's files copied to the
 * seed names; a single image gets the seed names only. `<prefix>-platforms.json` lists which
 * files describe which digest. Everything is written to a scratch directory first: a failed
 * platform leaves no file of this run behind.
 */
export async function generatePlatformSboms(options: PlatformSbomOptions): Promise<PlatformSbomResult> {
  const { source, logger } = options;
  if (options.platform !== undefined && options.platforms !== undefined) {
    throw new InputError('cannot be combined with platform; give one of the two.', { input: 'platforms' });
  }
  const fromRegistry = source.kind === 'image' && source.syftArgument.startsWith('registry:');
  if (options.platforms !== undefined && !fromRegistry) {
    throw new InputError(
      `needs an image read from the registry (image-source registry); ${source.kind === 'image' ? 'a local image has one platform' : `a ${source.kind} has no platforms`}.`,
      { input: 'platforms' },
    );
  }
  if (!fromRegistry || options.lookup === undefined) return single(options, source, options.platform);

  const resolved = await options.lookup.resolve(source.value);
  const base = `${resolved.registry}/${resolved.repository}`;
  const byDigest = (digest: string): ScanSource => ({
    ...source,
    value: `${base}@${digest}`,
    syftArgument: `registry:${base}@${digest}`,
    digest,
  });
  if (resolved.platforms === undefined) {
    const platform =
      options.platform ??
      (await options.lookup.platformOf?.(`${base}@${resolved.digest}`).then(
        (p) => (p ? platformString(p) : undefined),
        () => undefined,
      ));
    const result = await single(options, byDigest(resolved.digest), options.platform, platform ?? '');
    return { ...result, digest: resolved.digest };
  }

  const subject = `${base}@${resolved.digest}`;
  const selection: PlatformSelection =
    options.platform !== undefined
      ? // syft reads a bare architecture as linux/<arch>; so does the selection.
        [options.platform.includes('/') ? options.platform : `linux/${options.platform}`]
      : (options.platforms ?? 'all');
  const chosen = selectPlatforms(
    resolved.platforms,
    selection,
    subject,
    options.platform !== undefined ? 'platform' : 'platforms',
  );
  if (options.fileNames !== undefined && Object.keys(options.fileNames).length > 0) {
    throw new InputError(
      `a file name of your own cannot be used for the multi-platform index ${subject}; the files are named <prefix>-<format>-<os>-<arch>.json.`,
      { input: 'formats' },
    );
  }
  logger.info(
    `${subject} is an index: one SBOM pass per platform (${chosen.map((m) => platformString(m.platform)).join(', ')}).`,
  );

  const outputDir = path.resolve(options.outputDir);
  mkdirSync(outputDir, { recursive: true });
  const scratch = mkdtempSync(path.join(outputDir, '.sbom-platforms-'));
  try {
    const staged: PlatformSbom[] = [];
    for (const manifest of chosen) {
      const fileNames = Object.fromEntries(
        options.formats.map((f) => [f, platformFileName(f, options.prefix, manifest.platform)]),
      ) as Partial<Record<SbomFormat, string>>;
      const result = await generateSboms({
        ...options,
        source: byDigest(manifest.digest),
        outputDir: scratch,
        fileNames,
      });
      for (const file of result.files) describesDigest(file, manifest.digest);
      staged.push({ platform: platformString(manifest.platform), digest: manifest.digest, result });
    }
    // Move the per-platform files, then the seed copies of the first platform, then the manifest.
    const final = (file: string) => path.join(outputDir, path.basename(file));
    const platforms = staged.map((p) => ({
      ...p,
      result: withFiles(
        p.result,
        p.result.files.map((f) => ({ ...f, path: final(f.path) })),
      ),
    }));
    const first = staged[0] as PlatformSbom;
    const seedFiles = first.result.files.map((f) => {
      const seedPath = path.join(scratch, fileNameFor(f.format, options.prefix));
      copyFileSync(f.path, seedPath);
      return { ...f, path: seedPath };
    });
    const content: PlatformsManifest = {
      version: MANIFEST_VERSION,
      subject,
      platforms: platforms.map((p) => ({
        platform: p.platform,
        digest: p.digest,
        files: Object.fromEntries(p.result.files.map((f) => [f.format, path.basename(f.path)])),
        packages: p.result.packages,
      })),
    };
    const manifestStaged = path.join(scratch, manifestFileName(options.prefix));
    writeFileSync(manifestStaged, manifestJson(content));
    for (const p of staged) for (const f of p.result.files) renameSync(f.path, final(f.path));
    for (const f of seedFiles) renameSync(f.path, final(f.path));
    renameSync(manifestStaged, final(manifestStaged));
    logger.info(
      `wrote ${seedFiles.map((f) => path.basename(f.path)).join(', ')} (copies of ${first.platform}) and ${manifestFileName(options.prefix)}`,
    );
    return {
      seed: withFiles(
        first.result,
        seedFiles.map((f) => ({ ...f, path: final(f.path) })),
      ),
      platforms,
      digest: resolved.digest,
      index: true,
      manifest: { file: final(manifestStaged), content },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What syft wrote must describe the digest it was asked to catalogue (real syft always records it). */
function describesDigest(file: SbomFile, digest: string): void {
  if (file.subject.digest !== undefined && file.subject.digest !== digest) {
    throw new OperationalError<SbomErrorCode>(
      `syft wrote ${path.basename(file.path)} about ${file.subject.digest}, not ${digest}, the digest it was asked to catalogue; refusing it.`,
      { code: 'SBOM_SUBJECT_MISMATCH' },
    );
  }
}

/** One pass, as for any source; a manifest of one entry when the image's digest is known. */
async function single(
  options: PlatformSbomOptions,
  source: ScanSource,
  platform: string | undefined,
  label = platform ?? '',
): Promise<PlatformSbomResult> {
  const result = await generateSboms({ ...options, source, platform });
  const digest = source.kind === 'image' ? source.digest : undefined;
  if (digest === undefined) return { seed: result, platforms: [], index: false };
  for (const file of result.files) describesDigest(file, digest);
  const outputDir = path.resolve(options.outputDir);
  const beside = result.files.every((f) => path.dirname(f.path) === outputDir);
  const entry: PlatformSbom = { platform: label, digest, result };
  if (!beside) {
    options.logger.info('No platforms manifest: the SBOM files are not all in the output directory.');
    return { seed: result, platforms: [entry], digest, index: false };
  }
  const subjectBase = source.value.includes('@')
    ? source.value.slice(0, source.value.lastIndexOf('@'))
    : source.value;
  const content: PlatformsManifest = {
    version: MANIFEST_VERSION,
    subject: `${subjectBase}@${digest}`,
    platforms: [
      {
        platform: label,
        digest,
        files: Object.fromEntries(result.files.map((f) => [f.format, path.basename(f.path)])),
        packages: result.packages,
      },
    ],
  };
  const file = path.join(outputDir, manifestFileName(options.prefix));
  writeWhole(file, manifestJson(content));
  return { seed: result, platforms: [entry], digest, index: false, manifest: { file, content } };
}
