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
export { install, installMany, defaultRetryPolicy } from './install.js';
export type { InstallOptions, Installed, InstallRequest } from './install.js';
export { ensureTool } from './ensure.js';
export type { EnsureOptions, EnsuredTool } from './ensure.js';
export { findCached, cacheDirectory, toolCacheRoot, userToolCache, runnerToolCache } from './cache.js';
