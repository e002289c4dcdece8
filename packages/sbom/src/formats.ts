import { InputError } from '@release-actions/core';

/**
 * The SBOM formats we ask syft for. Only JSON formats are offered: each file is parsed and checked
 * before it is handed on, and a text or XML format could not be checked the same way.
 */
export const FORMATS = ['spdx-json', 'cyclonedx-json', 'syft-json'] as const;
export type SbomFormat = (typeof FORMATS)[number];

export const DEFAULT_FORMATS: readonly SbomFormat[] = ['spdx-json', 'cyclonedx-json'];
export const DEFAULT_PREFIX = 'sbom';

/** `<prefix>-spdx.json`, `<prefix>-cyclonedx.json`: the release asset names consumers rely on. */
const SUFFIX: Record<SbomFormat, string> = {
  'spdx-json': 'spdx.json',
  'cyclonedx-json': 'cyclonedx.json',
  'syft-json': 'syft.json',
};

export function isFormat(value: string): value is SbomFormat {
  return (FORMATS as readonly string[]).includes(value);
}

export function fileNameFor(format: SbomFormat, prefix: string): string {
  return `${prefix}-${SUFFIX[format]}`;
}

/** A prefix becomes part of a file name; anything that could leave the output directory is refused. */
export function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(prefix)) {
    throw new InputError(
      `"${prefix}" is not accepted; use letters, digits, '.', '_' and '-' (first a letter or digit).`,
      { input: 'output-prefix' },
    );
  }
  return prefix;
}

/** Parses a list of format names (case-insensitive), refusing unknown ones. */
export function parseFormats(values: readonly string[]): SbomFormat[] {
  const formats = values.map((raw) => {
    const value = raw.trim().toLowerCase();
    if (!isFormat(value)) {
      throw new InputError(`"${raw}" is not accepted; use any of ${FORMATS.join(', ')}.`, {
        input: 'formats',
      });
    }
    return value;
  });
  if (formats.length === 0)
    throw new InputError(`no format given; use any of ${FORMATS.join(', ')}.`, { input: 'formats' });
  return formats;
}

/** Each format once: one syft pass writes each format to one file. */
export function checkFormats(formats: readonly SbomFormat[]): void {
  if (new Set(formats).size !== formats.length) {
    throw new InputError(`a format is listed twice in "${formats.join(', ')}".`, { input: 'formats' });
  }
}
