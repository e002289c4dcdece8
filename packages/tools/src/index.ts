export type { Logger } from './logger.js';
export { silentLogger } from './logger.js';
export { redact, REDACTED } from './redact.js';
export { withRetry, backoffDelay, sleep } from './retry.js';
export type { RetryPolicy, RetryHooks } from './retry.js';
export { run, formatCommand, ToolExitError } from './run.js';
export type { RunOptions, RunResult } from './run.js';
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
export { install, installMany, ensureTool, defaultRetryPolicy } from './install.js';
export type { InstallOptions, Installed, InstallRequest, EnsureOptions, EnsuredTool } from './install.js';
export { findCached, cacheDirectory, toolCacheRoot, userToolCache, runnerToolCache } from './cache.js';
