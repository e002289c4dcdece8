import type { Logger } from '@release-actions/core';
import { readdirSync } from 'node:fs';

/**
 * Caching grype's vulnerability database between runs with the Actions cache. The key is the
 * grype version, the DB schema and the UTC day, so a runner downloads the database at most once
 * a day per grype version; earlier days are restore keys, so the first run of a day starts from
 * yesterday's database and lets grype update it (and, offline, use it while it is young enough).
 */
export interface CacheApi {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface DbCacheOptions {
  dir: string;
  grypeVersion?: string;
  dbSchema?: string;
  platform?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** The Actions cache, handed over by the action (kit's loadActionsCache); none in the CLI. */
  load?: () => Promise<CacheApi>;
}

export type CacheHit = 'exact' | 'previous-day' | 'miss' | 'skipped';

export interface DbCacheState {
  hit: CacheHit;
  key?: string;
  restoredKey?: string;
  /** Environment for the grype run. */
  env: Record<string, string>;
}

export function dbCacheKeys(
  grypeVersion: string,
  dbSchema: string,
  day: string,
  platform: string,
): { key: string; restoreKeys: string[] } {
  const prefix = `grype-db-${platform}-schema${dbSchema}-grype${grypeVersion}-`;
  return { key: `${prefix}${day}`, restoreKeys: [prefix] };
}

export async function restoreDb(options: DbCacheOptions): Promise<DbCacheState> {
  const env = options.env ?? process.env;
  const grypeEnv = { GRYPE_DB_CACHE_DIR: options.dir };
  if (!options.load) {
    options.logger.debug('grype DB cache skipped: no Actions cache in this front end.');
    return { hit: 'skipped', env: grypeEnv };
  }
  if (!env.ACTIONS_CACHE_URL && !env.ACTIONS_RESULTS_URL) {
    options.logger.debug('grype DB cache skipped: not running on a GitHub runner with the cache service.');
    return { hit: 'skipped', env: grypeEnv };
  }
  if (!options.grypeVersion || !options.dbSchema) {
    options.logger.info('grype DB cache skipped: the grype version or DB schema is unknown.');
    return { hit: 'skipped', env: grypeEnv };
  }
  const day = (options.now ?? new Date()).toISOString().slice(0, 10);
  const { key, restoreKeys } = dbCacheKeys(
    options.grypeVersion,
    options.dbSchema,
    day,
    options.platform ?? `${process.platform}-${process.arch}`,
  );
  let cache: CacheApi;
  try {
    cache = await options.load();
    if (!cache.isFeatureAvailable()) {
      options.logger.info('grype DB cache skipped: the Actions cache service is not available.');
      return { hit: 'skipped', env: grypeEnv };
    }
  } catch (error) {
    options.logger.warning(`grype DB cache skipped: ${(error as Error).message}`);
    return { hit: 'skipped', env: grypeEnv };
  }
  let restoredKey: string | undefined;
  try {
    restoredKey = await cache.restoreCache([options.dir], key, restoreKeys);
  } catch (error) {
    // A cache outage must not fail the scan: grype downloads the database itself.
    options.logger.warning(`grype DB cache could not be restored: ${(error as Error).message}`);
  }
  if (restoredKey === key) {
    options.logger.info(`grype DB restored from the cache (${key}); database updates are off for this run.`);
    return { hit: 'exact', key, restoredKey, env: { ...grypeEnv, GRYPE_DB_AUTO_UPDATE: 'false' } };
  }
  if (restoredKey !== undefined) {
    options.logger.info(`grype DB restored from ${restoredKey}; grype checks for today's update.`);
    return { hit: 'previous-day', key, restoredKey, env: grypeEnv };
  }
  options.logger.info(`grype DB not in the cache (${key}); grype downloads it.`);
  return { hit: 'miss', key, env: grypeEnv };
}

/** Saves the database under today's key after a successful scan, unless it came from that key. */
export async function saveDb(state: DbCacheState, options: DbCacheOptions): Promise<void> {
  if (state.hit === 'skipped' || state.hit === 'exact' || state.key === undefined || !options.load) return;
  let entries: string[] = [];
  try {
    entries = readdirSync(options.dir);
  } catch {
    entries = [];
  }
  if (entries.length === 0) {
    options.logger.info(`grype DB cache not saved: ${options.dir} is empty.`);
    return;
  }
  try {
    const cache = await options.load();
    // @actions/cache reports most failures itself (a warning) and returns -1 instead of throwing.
    const id = await cache.saveCache([options.dir], state.key);
    if (id === -1) options.logger.info(`grype DB cache not saved under ${state.key}.`);
    else options.logger.info(`grype DB saved to the cache as ${state.key}.`);
  } catch (error) {
    // Another job of the same day may have saved it first; either way the scan result stands.
    options.logger.warning(`grype DB cache not saved: ${(error as Error).message}`);
  }
}
