export {
  manifest,
  TOOL_NAMES,
  resolveAsset,
  applyMirror,
  fillTemplate,
  normalizeMirror,
  normalizeVersion,
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
export { install, installMany } from './install.js';
export type { InstallOptions, Installed, InstallRequest } from './install.js';
export { ensureTool } from './ensure.js';
export type { EnsureOptions, EnsuredTool } from './ensure.js';
export { cacheDirectory, toolCacheRoot, runnerToolCache } from './cache.js';
export { findOnPath } from './which.js';
export { setupOutputs, renderSetupSummary, renderSetupText } from './report.js';
export type { ToolsErrorCode } from './errors.js';
export type { DownloadProgress } from './download.js';
export { formatBytes, formatProgress, formatRate, formatDuration } from './format.js';
