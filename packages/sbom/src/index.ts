export { createSboms } from './create.js';
export type { SbomRequest, SbomResult } from './create.js';
export { sbomOutputs } from './outputs.js';
export type { SbomOutputValue } from './outputs.js';
export { renderSbomSummary } from './summary.js';
export { renderSbomText, sbomJson } from './report.js';
export type { SbomErrorCode } from './errors.js';
export { InvalidSbomError, SbomSubjectError } from './errors.js';
export {
  FORMATS,
  DEFAULT_FORMATS,
  DEFAULT_PREFIX,
  fileNameFor,
  checkFormats,
  checkPrefix,
  parseFormats,
} from './formats.js';
export type { SbomFormat } from './formats.js';
export { detectFormat, parseSbom, readSbom, MAX_SBOM_BYTES } from './document.js';
export type { SbomDocument, SbomPackage, ReadOptions } from './document.js';
export { countByType } from './counts.js';
export { diffSboms, diffSbomFiles, hasChanges, formatDiffText } from './diff.js';
export type { SbomDiff, ChangedPackage, PackageRef } from './diff.js';
export { parsePurl, purlIdentity, comparableIdentity } from './purl.js';
export type { PurlParts } from './purl.js';
export { IMAGE_SOURCES, resolveSource, checkPlatform } from './source.js';
export type { ImageSource, ScanSource, SourceInput } from './source.js';
export { checkOneSource, parseSource, sourceFields, sourceOrOlder, sourceSyntax } from './source-syntax.js';
export type { ParseSourceOptions, SourceSpec } from './source-syntax.js';
export { syftEnvironment, syftVersion, scanArguments, runSyftScan } from './syft.js';
export type { RegistryCredentials, SyftOptions } from './syft.js';
export { generateSboms } from './generate.js';
export type { GenerateOptions, GenerateResult, SbomFile } from './generate.js';
export {
  parsePlatformSelection,
  platformFileName,
  platformSlug,
  platformString,
  selectPlatforms,
} from './platforms.js';
export type { PlatformInput, PlatformSelection } from './platforms.js';
export { entryName, manifestJson, parseManifest, readManifest } from './manifest.js';
export type { LoadedManifest, PlatformEntry, PlatformsManifest } from './manifest.js';
export { checkDescribes, describedSubject } from './described.js';
export type { DescribedSubject, DescribesOptions } from './described.js';
export type { ImageLookup, PlatformSbom, PlatformSbomOptions, PlatformSbomResult } from './platform-sboms.js';
