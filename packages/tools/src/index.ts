export {
  manifest,
  TOOL_NAMES,
  hostPlatform,
  resolveAsset,
  applyMirror,
  fillTemplate,
  normalizeMirror,
  normalizeVersion,
  normalizeSha256,
} from './manifest.js';
export type {
  Manifest,
  ToolEntry,
  ToolName,
  PlatformKey,
  PlatformTemplate,
  PinnedAsset,
  AssetFormat,
  ChecksumsSource,
  ResolvedAsset,
  ResolveOptions,
} from './manifest.js';
export { install, installMany, defaultRetryPolicy } from './install.js';
export type { InstallOptions, Installed, InstallRequest } from './install.js';
export { ensureTool } from './ensure.js';
export type { EnsureOptions, EnsuredTool } from './ensure.js';
export { findCached, cacheDirectory, toolCacheRoot, userToolCache, runnerToolCache } from './cache.js';
export { findOnPath } from './which.js';
export { setupOutputs, renderSetupSummary, renderSetupText } from './report.js';
export type { ToolsErrorCode } from './errors.js';
