import { readInputFile } from '@release-actions/core';
import type { SbomFormat } from './formats.js';
import { describedSubject, type DescribedSubject } from './described.js';
import { InvalidSbomError, type SbomErrorCode } from './errors.js';
import { parsePurl, purlIdentity } from './purl.js';

/** One package of an SBOM, the same shape whatever the format it came from. */
export interface SbomPackage {
  name: string;
  version: string;
  /** Package URL type (apk, deb, npm, golang, ...), else the tool's own type, else `unknown`. */
  type: string;
  purl?: string;
  /** Identity across versions: the purl without version and qualifiers, else the name. */
  key: string;
}

export interface SbomDocument {
  file: string;
  format: SbomFormat;
  /** `SPDX-2.3`, `CycloneDX 1.6`, `syft-json 16.0.0`. */
  specVersion: string;
  packages: SbomPackage[];
  /** The image (digest), directory or file the SBOM says it describes. */
  subject: DescribedSubject;
}

/** A generous cap: syft's SBOM of a large image is tens of MB; a file beyond this is not one of ours. */
export const MAX_SBOM_BYTES = 512 * 1024 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Which of our formats a parsed document is, judged by the fields each format requires. */
export function detectFormat(doc: unknown): SbomFormat | undefined {
  if (!isObject(doc)) return undefined;
  if (typeof doc.spdxVersion === 'string') return 'spdx-json';
  if (doc.bomFormat === 'CycloneDX') return 'cyclonedx-json';
  if (Array.isArray(doc.artifacts) && isObject(doc.descriptor) && doc.descriptor.name === 'syft')
    return 'syft-json';
  return undefined;
}

function makePackage(name: string, version: string, purlText: unknown, fallbackType: string): SbomPackage {
  const purl = parsePurl(purlText);
  return {
    name,
    version,
    type: purl?.type ?? (fallbackType || 'unknown'),
    ...(typeof purlText === 'string' && purlText !== '' ? { purl: purlText } : {}),
    key: purl ? purlIdentity(purl) : `name:${name}`,
  };
}

function fail(file: string, problem: string): never {
  throw new InvalidSbomError(`SBOM file ${file} ${problem}`);
}

function spdxPackages(
  file: string,
  doc: Json,
  strict: boolean,
): { specVersion: string; packages: SbomPackage[] } {
  const version = text(doc.spdxVersion);
  if (strict ? version !== 'SPDX-2.3' : !/^SPDX-2\.\d+$/.test(version)) {
    fail(file, `has spdxVersion "${version}"; expected ${strict ? 'SPDX-2.3' : 'SPDX-2.x'}.`);
  }
  if (doc.SPDXID !== 'SPDXRef-DOCUMENT')
    fail(file, 'has no SPDXID "SPDXRef-DOCUMENT"; it is not an SPDX document.');
  if (!Array.isArray(doc.packages))
    fail(file, 'has no "packages" array; it is not a complete SPDX document.');
  const packages: SbomPackage[] = [];
  for (const [index, item] of doc.packages.entries()) {
    if (!isObject(item) || typeof item.name !== 'string' || typeof item.SPDXID !== 'string') {
      fail(file, `has a package without name or SPDXID (packages[${index}]).`);
    }
    // syft describes the scanned image or directory itself as a "DocumentRoot" package; it is the
    // subject of the SBOM, not something found in it.
    if (item.SPDXID.startsWith('SPDXRef-DocumentRoot-')) continue;
    const refs = Array.isArray(item.externalRefs) ? item.externalRefs.filter(isObject) : [];
    const purl = refs.find((ref) => ref.referenceType === 'purl')?.referenceLocator;
    packages.push(makePackage(item.name, text(item.versionInfo), purl, ''));
  }
  return { specVersion: version, packages };
}

/** A CycloneDX component and where it sits: its index in its list, and the component holding that list. */
interface ComponentAt {
  item: unknown;
  index: number;
  parent: ComponentAt | undefined;
}

/** The components of a list, last first, so that popping them yields document order. */
function fromLast(components: unknown[], parent: ComponentAt | undefined): ComponentAt[] {
  return components.map((item, index) => ({ item, index, parent })).reverse();
}

/** `components[2].components[0]`; deep paths keep their two ends. */
function componentPath(at: ComponentAt): string {
  const steps: string[] = [];
  for (let step: ComponentAt | undefined = at; step; step = step.parent)
    steps.push(`components[${step.index}]`);
  steps.reverse();
  if (steps.length <= 8) return steps.join('.');
  return `${steps.slice(0, 2).join('.')}.….${steps.slice(-2).join('.')}, ${steps.length} levels deep`;
}

function cyclonedxPackages(
  file: string,
  doc: Json,
  strict: boolean,
): { specVersion: string; packages: SbomPackage[] } {
  const version = text(doc.specVersion);
  if (!/^1\.\d+$/.test(version))
    fail(file, `has specVersion "${version}"; expected a CycloneDX 1.x version.`);
  if (doc.components === undefined && !strict) return { specVersion: `CycloneDX ${version}`, packages: [] };
  if (!Array.isArray(doc.components))
    fail(file, 'has no "components" array; it is not a complete CycloneDX BOM.');
  const packages: SbomPackage[] = [];
  // Components nest (BOM 1.x); the depth is the file's to choose, so the walk keeps its own stack
  // (in document order) instead of recursing, and a component's path is spelled only on failure.
  const pending: ComponentAt[] = fromLast(doc.components, undefined);
  while (pending.length > 0) {
    const at = pending.pop()!;
    const item = at.item;
    if (!isObject(item) || typeof item.name !== 'string')
      fail(file, `has a component without name (${componentPath(at)}).`);
    // Neither the distribution syft detected nor the files it lists (a package's manifest, the
    // dpkg status file: type "file") are packages; SPDX lists neither among its packages.
    if (item.type !== 'operating-system' && item.type !== 'file') {
      const properties = Array.isArray(item.properties) ? item.properties.filter(isObject) : [];
      const toolType = text(properties.find((p) => p.name === 'syft:package:type')?.value);
      packages.push(makePackage(item.name, text(item.version), item.purl, toolType));
    }
    if (Array.isArray(item.components)) pending.push(...fromLast(item.components, at));
  }
  return { specVersion: `CycloneDX ${version}`, packages };
}

function syftPackages(file: string, doc: Json): { specVersion: string; packages: SbomPackage[] } {
  const artifacts = doc.artifacts as unknown[];
  const packages: SbomPackage[] = [];
  for (const [index, item] of artifacts.entries()) {
    if (!isObject(item) || typeof item.name !== 'string')
      fail(file, `has an artifact without name (artifacts[${index}]).`);
    packages.push(makePackage(item.name, text(item.version), item.purl, text(item.type)));
  }
  const schema = isObject(doc.schema) ? text(doc.schema.version) : '';
  return { specVersion: `syft-json${schema ? ` ${schema}` : ''}`, packages };
}

export interface ReadOptions {
  /** The format the file must be; without it, any of ours is accepted. */
  expect?: SbomFormat;
  /**
   * Checks for files syft just wrote for us (SPDX exactly 2.3, CycloneDX components present);
   * without it, older SBOMs (SPDX 2.2) are read too, for comparisons.
   */
  strict?: boolean;
  /** How errors and the result name the file (default: its path). */
  name?: string;
  /** The input that named the file, when the user gave it. */
  input?: string;
}

/** Parses an SBOM document already read; `file` names it in errors. */
export function parseSbom(path: string, content: string, options: ReadOptions = {}): SbomDocument {
  const file = options.name ?? path;
  if (content.trim() === '') fail(file, 'is empty.');
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    fail(file, `is not JSON (${reason}).`);
  }
  const format = detectFormat(doc);
  const expected = options.expect;
  if (format === undefined) {
    fail(file, `is not ${expected ?? 'an SPDX, CycloneDX or syft JSON document'}.`);
  }
  if (expected !== undefined && format !== expected) fail(file, `is not ${expected}: it is ${format}.`);
  const strict = options.strict ?? false;
  const body = doc as Json;
  const parsed =
    format === 'spdx-json'
      ? spdxPackages(file, body, strict)
      : format === 'cyclonedx-json'
        ? cyclonedxPackages(file, body, strict)
        : syftPackages(file, body);
  return { file, format, ...parsed, subject: describedSubject(format, body) };
}

/** Reads and validates an SBOM file; a missing, empty, oversized or malformed file fails naming it. */
export function readSbom(path: string, options: ReadOptions = {}): SbomDocument {
  const text = readInputFile<SbomErrorCode>(path, {
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.name === undefined ? {} : { name: options.name }),
    maxBytes: MAX_SBOM_BYTES,
    what: 'an SPDX, CycloneDX or syft JSON SBOM',
    code: 'SBOM_INVALID',
  });
  return parseSbom(path, text, options);
}
