/**
 * What an action needs to read a source and a platform selection: an entry point of its own
 * (@release-actions/sbom/inputs), so that reading inputs does not load the SBOM reader, syft's
 * runner or the registry client (esbuild's code splitting would put them in the first chunk).
 */
export { checkOneSource, parseSource, sourceFields, sourceOrOlder, sourceSyntax } from './source-syntax.js';
export type { SourceSpec } from './source-syntax.js';
export { parsePlatformSelection } from './platforms.js';
export { DEFAULT_FORMATS, DEFAULT_PREFIX, FORMATS } from './formats.js';
export type { SbomFormat } from './formats.js';
export { IMAGE_SOURCES, resolveSource } from './source.js';
export type { PlatformSelection } from './platforms.js';
