import { InputError, OperationalError } from '@release-actions/core';
import type { Platform, PlatformManifest } from '@release-actions/oci';
import type { SbomErrorCode } from './errors.js';
import type { SbomFormat } from './formats.js';

/** What the `platforms` input asks for: every platform of an index, or the ones listed. */
export type PlatformSelection = 'all' | string[];

const PART = /^[a-z0-9][a-z0-9._-]*$/i;

/** `linux/arm64/v8` as written in an index's platform object. */
export function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant]
    .filter((p) => p !== undefined && p !== '')
    .join('/');
}

/** The inputs that select platforms of an index: one (`platform`) or several (`platforms`). */
export type PlatformInput = 'platform' | 'platforms';

/** `os/arch[/variant]` parsed; an error names the input it came from. */
export function parsePlatform(text: string, input: PlatformInput = 'platforms'): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) {
    throw new InputError(`"${text}" is not a platform; use os/arch[/variant], e.g. linux/arm64.`, { input });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/**
 * The part of a file name that names a platform: `linux-arm64`, `linux-arm-v7`. Platform names
 * come from the registry, so one that could not be a file name part is refused, not mangled.
 */
export function platformSlug(platform: Platform): string {
  const parts = [platform.os, platform.architecture, platform.variant].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  if (!parts.every((p) => PART.test(p))) {
    throw new OperationalError(
      `the platform "${parts.join('/')}" has characters that cannot be part of a file name; refusing it.`,
    );
  }
  return parts.join('-');
}

const FORMAT_WORD: Record<SbomFormat, string> = {
  'spdx-json': 'spdx',
  'cyclonedx-json': 'cyclonedx',
  'syft-json': 'syft',
};

/** `<prefix>-spdx-linux-arm64.json`: the per-platform name consumers find among the release assets. */
export function platformFileName(format: SbomFormat, prefix: string, platform: Platform): string {
  return `${prefix}-${FORMAT_WORD[format]}-${platformSlug(platform)}.json`;
}

/** `all`, or a comma/newline list of os/arch[/variant] (each once). */
export function parsePlatformSelection(value: string): PlatformSelection {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'all') return 'all';
  const items = trimmed
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) {
    throw new InputError(
      'give "all" or a comma-separated list of os/arch[/variant], e.g. linux/amd64,linux/arm64.',
      { input: 'platforms' },
    );
  }
  const seen = new Set<string>();
  for (const item of items) {
    const key = platformString(parsePlatform(item)).toLowerCase();
    if (seen.has(key)) throw new InputError(`"${item}" is listed twice.`, { input: 'platforms' });
    seen.add(key);
  }
  return items.map((item) => platformString(parsePlatform(item)));
}

function matches(wanted: Platform, found: Platform): boolean {
  const same = (a: string | undefined, b: string | undefined) =>
    (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  return (
    same(wanted.os, found.os) &&
    same(wanted.architecture, found.architecture) &&
    (wanted.variant === undefined || same(wanted.variant, found.variant))
  );
}

/**
 * The platform manifests of an index that a selection names, in the index's order (the order of
 * the build's platforms). A listed platform the index lacks, or one that matches two manifests
 * (linux/arm when the index has v6 and v7), is an error naming what the index has and the input
 * the selection came from.
 */
export function selectPlatforms(
  available: readonly PlatformManifest[],
  selection: PlatformSelection,
  subject: string,
  input: PlatformInput = 'platforms',
): PlatformManifest[] {
  if (available.length === 0) {
    throw new OperationalError<SbomErrorCode>(`${subject} is an index without any platform manifest.`, {
      code: 'PLATFORM_NOT_FOUND',
    });
  }
  if (selection === 'all') return [...available];
  const has = available.map((m) => platformString(m.platform)).join(', ');
  const chosen = new Set<PlatformManifest>();
  for (const text of selection) {
    const wanted = parsePlatform(text, input);
    const found = available.filter((m) => matches(wanted, m.platform));
    if (found.length === 0) {
      throw new InputError<SbomErrorCode>(`${subject} has no platform ${text}; it has ${has}.`, {
        input,
        code: 'PLATFORM_NOT_FOUND',
      });
    }
    if (found.length > 1) {
      throw new InputError(
        `${text} matches ${found.map((m) => platformString(m.platform)).join(' and ')} of ${subject}; name the variant.`,
        { input },
      );
    }
    chosen.add(found[0] as PlatformManifest);
  }
  return available.filter((m) => chosen.has(m));
}
