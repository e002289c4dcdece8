import type { Logger } from '@release-actions/core';
import { RegistryClient, type Credentials } from '@release-actions/oci';
import { diffSboms, type SbomDiff } from './diff.js';
import { readSbom } from './document.js';
import { checkFormats, checkPrefix, type SbomFormat } from './formats.js';
import { registryLookup } from './lookup.js';
import { generatePlatformSboms, type PlatformSbomResult } from './platform-sboms.js';
import { parsePlatformSelection } from './platforms.js';
import { checkPlatform, resolveSource, type ScanSource, type SourceInput } from './source.js';
import type { RegistryCredentials } from './syft.js';

/** What the sbom action and `release-actions sbom` ask for, as given (checked here). */
export interface SbomRequest {
  /** Exactly one of image, path and file (paths absolute). */
  source: SourceInput;
  formats: readonly SbomFormat[];
  /** A file name chosen per format (the CLI's `--format spdx-json=FILE`). */
  fileNames?: Partial<Record<SbomFormat, string>>;
  /** Directory of the files, absolute (created when missing). */
  outputDir: string;
  prefix: string;
  /** One platform, os/arch[/variant] or arch (the `platform` input). */
  platform?: string;
  /** `all` or a list of platforms of an index (the `platforms` input). */
  platforms?: string;
  /** An earlier SBOM to compare the new one with (absolute path). */
  compareTo?: string;
  /** Registry credentials for syft and for the look-up of the image; used when a secret is given. */
  credentials?: RegistryCredentials;
  logger: Logger;
  /** The syft executable; by default a syft on PATH, else the pinned release. */
  command?: string;
}

/** The SBOMs written (per platform for an index) and, with compareTo, the comparison. */
export interface SbomResult extends PlatformSbomResult {
  diff?: SbomDiff;
}

/**
 * The credentials in use: only with a password or token, and for the image's registry unless
 * the request names another (without either, syft offers them to any registry).
 */
function credentialsFor(given: RegistryCredentials | undefined, source: ScanSource) {
  if (!given?.password && !given?.token) return undefined;
  return { ...given, authority: given.authority ?? source.registry };
}

/** The same credentials for the registry client; a token travels as the password of a Basic login. */
function clientCredentials(
  credentials: RegistryCredentials | undefined,
  source: ScanSource,
): Record<string, Credentials> | undefined {
  if (credentials === undefined) return undefined;
  const host = credentials.authority ?? source.registry ?? 'docker.io';
  return {
    [host]: {
      username: credentials.username ?? 'token',
      password: (credentials.password ?? credentials.token) as string,
    },
  };
}

/**
 * The sbom step: checks the request, asks the registry whether the image is an index (each of
 * its platforms then gets its own SBOMs), runs syft, checks and writes the files and the
 * platforms manifest, and compares with the earlier SBOM when one is given.
 */
export async function createSboms(request: SbomRequest): Promise<SbomResult> {
  const { logger } = request;
  const source = resolveSource(request.source);
  checkFormats(request.formats);
  const prefix = checkPrefix(request.prefix);
  const platform = request.platform === undefined ? undefined : checkPlatform(request.platform);
  const platforms = request.platforms === undefined ? undefined : parsePlatformSelection(request.platforms);
  // A comparison file that cannot be read fails before syft runs, not after.
  const previous =
    request.compareTo === undefined ? undefined : readSbom(request.compareTo, { input: 'compare-to' });
  if (source.kind === 'image' && source.digest === undefined) {
    logger.notice(
      `"${source.value}" is a tag; prefer a digest (name@sha256:…) so the SBOM describes exactly the image you release.`,
    );
  }
  const credentials = credentialsFor(request.credentials, source);
  const client = new RegistryClient({ logger, credentials: clientCredentials(credentials, source) });
  const generated = await generatePlatformSboms({
    source,
    formats: request.formats,
    fileNames: request.fileNames,
    outputDir: request.outputDir,
    prefix,
    platform,
    platforms,
    lookup: registryLookup(client),
    credentials,
    logger,
    command: request.command,
  });
  return previous === undefined
    ? generated
    : { ...generated, diff: diffSboms(previous, generated.seed.document) };
}
