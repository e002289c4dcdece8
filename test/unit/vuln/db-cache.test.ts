import { describe, expect, it } from '@jest/globals';
import { dbCacheKeys, restoreDb, saveDb, type CacheApi } from '@release-actions/vuln';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A stand-in for @actions/cache that records calls and answers a restore with a set key. */
class FakeCache implements CacheApi {
  restores: { paths: string[]; key: string; restoreKeys?: string[] }[] = [];
  saves: { paths: string[]; key: string }[] = [];
  constructor(
    private readonly restored: string | undefined,
    private readonly failures: { restore?: Error; save?: Error; available?: boolean; saveId?: number } = {},
  ) {}
  isFeatureAvailable(): boolean {
    return this.failures.available ?? true;
  }
  async restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined> {
    this.restores.push({ paths, key, restoreKeys });
    if (this.failures.restore) throw this.failures.restore;
    return this.restored;
  }
  async saveCache(paths: string[], key: string): Promise<number> {
    this.saves.push({ paths, key });
    if (this.failures.save) throw this.failures.save;
    return this.failures.saveId ?? 1;
  }
}

function recorder() {
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(`debug: ${m}`),
    info: (m: string) => lines.push(`info: ${m}`),
    notice: (m: string) => lines.push(`notice: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
  };
  return { lines, logger };
}

const RUNNER = { ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/' };
const NOW = new Date('2026-11-25T23:30:00Z');
const KEY = 'grype-db-linux-x64-schema6-grype0.91.2-2026-11-25';
const PREFIX = 'grype-db-linux-x64-schema6-grype0.91.2-';

function options(cache: FakeCache, env: NodeJS.ProcessEnv = RUNNER) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grype-db-'));
  const { lines, logger } = recorder();
  let loads = 0;
  return {
    lines,
    loads: () => loads,
    options: {
      dir,
      grypeVersion: '0.91.2',
      dbSchema: '6',
      platform: 'linux-x64',
      now: NOW,
      env,
      logger,
      load: async () => {
        loads++;
        return cache;
      },
    },
  };
}

function fillDb(dir: string): void {
  mkdirSync(path.join(dir, '6'), { recursive: true });
  writeFileSync(path.join(dir, '6', 'vulnerability.db'), 'db');
}

describe('grype DB cache', () => {
  it('keys on grype version, DB schema and the UTC day; earlier days are a prefix restore key', () => {
    expect(dbCacheKeys('0.91.2', '6', '2026-11-25', 'linux-x64')).toEqual({
      key: KEY,
      restoreKeys: [PREFIX],
    });
  });

  it('outside a runner with the cache service: skipped with a debug line, the cache library never loaded', async () => {
    const cache = new FakeCache(undefined);
    const setup = options(cache, {});
    const state = await restoreDb(setup.options);
    expect(state).toEqual({ hit: 'skipped', env: { GRYPE_DB_CACHE_DIR: setup.options.dir } });
    expect(setup.loads()).toBe(0);
    expect(setup.lines).toEqual([
      'debug: grype DB cache skipped: not running on a GitHub runner with the cache service.',
    ]);
    await saveDb(state, setup.options);
    expect(cache.saves).toEqual([]);
  });

  it("today's entry: restored, database updates off, nothing saved", async () => {
    const cache = new FakeCache(KEY);
    const setup = options(cache);
    const state = await restoreDb(setup.options);
    expect(cache.restores).toEqual([{ paths: [setup.options.dir], key: KEY, restoreKeys: [PREFIX] }]);
    expect(state).toEqual({
      hit: 'exact',
      key: KEY,
      restoredKey: KEY,
      env: { GRYPE_DB_CACHE_DIR: setup.options.dir, GRYPE_DB_AUTO_UPDATE: 'false' },
    });
    fillDb(setup.options.dir);
    await saveDb(state, setup.options);
    expect(cache.saves).toEqual([]);
  });

  it("first run of the day: yesterday's database restored, grype may update it, saved under today's key", async () => {
    const cache = new FakeCache(`${PREFIX}2026-11-24`);
    const setup = options(cache);
    const state = await restoreDb(setup.options);
    expect(state.hit).toBe('previous-day');
    expect(state.env).toEqual({ GRYPE_DB_CACHE_DIR: setup.options.dir });
    fillDb(setup.options.dir);
    await saveDb(state, setup.options);
    expect(cache.saves).toEqual([{ paths: [setup.options.dir], key: KEY }]);
  });

  it('a miss: grype downloads, the database is saved; an empty directory is not', async () => {
    const cache = new FakeCache(undefined);
    const setup = options(cache);
    const state = await restoreDb(setup.options);
    expect(state.hit).toBe('miss');
    await saveDb(state, setup.options);
    expect(cache.saves).toEqual([]);
    expect(setup.lines).toContain(`info: grype DB cache not saved: ${setup.options.dir} is empty.`);
    fillDb(setup.options.dir);
    await saveDb(state, setup.options);
    expect(cache.saves).toEqual([{ paths: [setup.options.dir], key: KEY }]);
  });

  it('cache failures are warnings, never scan failures', async () => {
    const cache = new FakeCache(undefined, {
      restore: new Error('cache service 503'),
      save: new Error('Unable to reserve cache with key, another job may be creating this cache.'),
    });
    const setup = options(cache);
    const state = await restoreDb(setup.options);
    expect(state.hit).toBe('miss');
    fillDb(setup.options.dir);
    await expect(saveDb(state, setup.options)).resolves.toBeUndefined();
    expect(setup.lines.filter((l) => l.startsWith('warning'))).toEqual([
      'warning: grype DB cache could not be restored: cache service 503',
      'warning: grype DB cache not saved: Unable to reserve cache with key, another job may be creating this cache.',
    ]);
  });

  it('a save that @actions/cache gave up on (-1) is not reported as saved', async () => {
    const cache = new FakeCache(undefined, { saveId: -1 });
    const setup = options(cache);
    const state = await restoreDb(setup.options);
    fillDb(setup.options.dir);
    await saveDb(state, setup.options);
    expect(setup.lines).toContain(`info: grype DB cache not saved under ${KEY}.`);
    expect(setup.lines.some((l) => l.includes('saved to the cache'))).toBe(false);
  });

  it('skipped when the service is unavailable or the grype version is unknown', async () => {
    const unavailable = options(new FakeCache(undefined, { available: false }));
    expect((await restoreDb(unavailable.options)).hit).toBe('skipped');
    const unknown = options(new FakeCache(KEY));
    expect((await restoreDb({ ...unknown.options, dbSchema: undefined })).hit).toBe('skipped');
    expect(unknown.loads()).toBe(0);
  });
});
