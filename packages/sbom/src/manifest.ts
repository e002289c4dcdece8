import { InputError, readInputFile } from '@release-actions/core';
import { parseReference } from '@release-actions/oci';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SbomErrorCode } from './errors.js';
import type { SbomFormat } from './formats.js';
import { FORMATS } from './formats.js';
import { parsePlatform } from './platforms.js';

/**
 * The platforms manifest: which SBOM files describe which digest. The sbom step writes it beside
 * the SBOMs (`<prefix>-platforms.json`); scan and attest read it, so each platform's SBOMs are
 * gated and attested on that platform's digest and nowhere else.
 *
 * ```json
 * { "version": 1,
 *   "subject": "ghcr.io/org/app@sha256:<index or image digest>",
 *   "platforms": [
 *     { "platform": "linux/amd64", "digest": "sha256:…",
 *       "spdx-json": "sbom-spdx-linux-amd64.json", "cyclonedx-json": "sbom-cyclonedx-linux-amd64.json",
 *       "packages": 42 } ] }
 * ```
 * File names are relative to the manifest's directory, and plain names (no directories), so the
 * directory can be uploaded, downloaded and read elsewhere as a whole.
 */
export const MANIFEST_VERSION = 1;

export function manifestFileName(prefix: string): string {
  return `${prefix}-platforms.json`;
}

export interface PlatformEntry {
  /** `linux/arm64[/v8]`; empty for a single image whose platform is not known. */
  platform: string;
  digest: string;
  /** File names (relative to the manifest) by format. */
  files: Partial<Record<SbomFormat, string>>;
  packages: number;
}

export interface PlatformsManifest {
  version: typeof MANIFEST_VERSION;
  /** `registry/repository@sha256:…`: the index (or single image) the entries belong to. */
  subject: string;
  platforms: PlatformEntry[];
}

/** A manifest read back: file names resolved to paths that exist. */
export interface LoadedManifest extends PlatformsManifest {
  file: string;
  /** Absolute paths by format, per entry, in the order of `platforms`. */
  paths: Partial<Record<SbomFormat, string>>[];
}

/** The JSON written to disk: format names as keys, in a stable order. */
export function manifestJson(manifest: PlatformsManifest): string {
  return `${JSON.stringify(
    {
      version: manifest.version,
      subject: manifest.subject,
      platforms: manifest.platforms.map((entry) => ({
        platform: entry.platform,
        digest: entry.digest,
        ...Object.fromEntries(
          FORMATS.filter((f) => entry.files[f] !== undefined).map((f) => [f, entry.files[f]]),
        ),
        packages: entry.packages,
      })),
    },
    null,
    2,
  )}\n`;
}

/** The entries as the `platforms` output lists them (file names, not paths). */
export function manifestEntries(manifest: PlatformsManifest): Record<string, unknown>[] {
  return (JSON.parse(manifestJson(manifest)) as { platforms: Record<string, unknown>[] }).platforms;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_MANIFEST_BYTES = 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The input that names a platforms manifest, in scan and attest alike. */
const MANIFEST_INPUT = 'sbom-manifest';

function manifestError(message: string): InputError<SbomErrorCode> {
  return new InputError<SbomErrorCode>(message, { input: MANIFEST_INPUT, code: 'MANIFEST_INVALID' });
}

/** Checks a parsed manifest; every problem names the file and says what is accepted. */
export function parseManifest(content: unknown, file: string): PlatformsManifest {
  const bad = (problem: string): never => {
    throw manifestError(`${file} is not a platforms manifest of the sbom step: ${problem}.`);
  };
  if (!isObject(content)) bad('it is not a JSON object');
  const doc = content as Record<string, unknown>;
  if (doc.version !== MANIFEST_VERSION)
    bad(`"version" is ${JSON.stringify(doc.version)}; version ${MANIFEST_VERSION} is read`);
  if (typeof doc.subject !== 'string') bad('"subject" is missing');
  const subject = doc.subject as string;
  let digest: string | undefined;
  try {
    digest = parseReference(subject).digest;
  } catch {
    digest = undefined;
  }
  if (digest === undefined || !subject.endsWith(`@${digest}`))
    bad(`"subject" ${JSON.stringify(subject)} is not registry/repository@sha256:…`);
  if (!Array.isArray(doc.platforms) || doc.platforms.length === 0)
    bad('"platforms" is not a list of at least one entry');
  const seen = new Set<string>();
  const platforms = (doc.platforms as unknown[]).map((raw, i): PlatformEntry => {
    const at = `platforms[${i}]`;
    if (!isObject(raw)) bad(`${at} is not an object`);
    const item = raw as Record<string, unknown>;
    if (typeof item.platform !== 'string') bad(`${at}.platform is missing`);
    const platform = item.platform as string;
    if (platform !== '') {
      try {
        parsePlatform(platform);
      } catch {
        bad(`${at}.platform "${platform}" is not os/arch[/variant]`);
      }
    }
    if (typeof item.digest !== 'string' || !DIGEST.test(item.digest))
      bad(`${at}.digest is not sha256:<64 hex digits>`);
    const entryDigest = item.digest as string;
    if (seen.has(entryDigest)) bad(`${at}.digest ${entryDigest} is listed twice`);
    seen.add(entryDigest);
    const files: Partial<Record<SbomFormat, string>> = {};
    for (const format of FORMATS) {
      const name = item[format];
      if (name === undefined) continue;
      // Plain names only: a manifest must not send a reader outside its own directory.
      if (
        typeof name !== 'string' ||
        name === '' ||
        name !== path.basename(name) ||
        name === '..' ||
        name === '.' ||
        name.includes('\\')
      ) {
        bad(`${at}["${format}"] must be a file name beside the manifest, got ${JSON.stringify(name)}`);
      }
      files[format] = name as string;
    }
    if (Object.keys(files).length === 0) bad(`${at} names no SBOM file (${FORMATS.join(', ')})`);
    if (typeof item.packages !== 'number' || !Number.isInteger(item.packages) || item.packages < 0)
      bad(`${at}.packages is not a count`);
    return { platform, digest: entryDigest, files, packages: item.packages as number };
  });
  return { version: MANIFEST_VERSION, subject, platforms };
}

/** The manifest's text: a file of at most MAX_MANIFEST_BYTES. */
function manifestText(file: string): string {
  return readInputFile<SbomErrorCode>(file, {
    input: MANIFEST_INPUT,
    maxBytes: MAX_MANIFEST_BYTES,
    what: "the sbom step's platforms manifest (<prefix>-platforms.json)",
    code: 'MANIFEST_INVALID',
  });
}

/** Reads and checks a manifest and the files it names (they must exist beside it). */
export function readManifest(file: string): LoadedManifest {
  const text = manifestText(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw manifestError(`${file} is not JSON.`);
  }
  const manifest = parseManifest(parsed, file);
  const dir = path.dirname(path.resolve(file));
  const paths = manifest.platforms.map((entry) => {
    const out: Partial<Record<SbomFormat, string>> = {};
    for (const [format, name] of Object.entries(entry.files) as [SbomFormat, string][]) {
      const full = path.join(dir, name);
      if (!existsSync(full)) {
        throw manifestError(
          `${file} names ${name} for ${entry.platform || entry.digest}, which is not beside it (${dir}).`,
        );
      }
      out[format] = full;
    }
    return out;
  });
  return { ...manifest, file: path.resolve(file), paths };
}

/** How an entry reads in logs: its platform, else its digest. */
export function entryName(entry: Pick<PlatformEntry, 'platform' | 'digest'>): string {
  return entry.platform || entry.digest;
}
