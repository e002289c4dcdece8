import { ensureTool } from '@release-actions/tools';
import { type Logger } from '@release-actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { restoreDb, saveDb, type CacheApi, type DbCacheState } from './db-cache.js';
import { grypeVersion, runGrype, type GrypeVersion, type ScanSource } from './grype.js';
import { withCatalogue } from './catalogue.js';
import { checkExpiryCap, DEFAULT_MAX_IGNORE_DAYS, loadIgnoreFile, type IgnoreRule } from './ignore.js';
import { evaluate, type Evaluation, type Policy } from './policy.js';
import type { GrypeReport } from './grype-report.js';
import { defaultCategory } from './category.js';
import { toSarif, type SarifOutput } from './sarif.js';
import { parseCutoff } from './severity.js';
import { loadVex, type VexStatement } from './vex.js';

export interface PolicyInput {
  severityCutoff?: string;
  onlyFixed?: boolean;
  unknownFails?: boolean;
  ignoreFile?: string;
  vexFiles?: readonly string[];
  /** Cap on how far ahead an ignore rule may expire, in days (default one year). */
  maxIgnoreDays?: number;
  allowEmptySbom?: boolean;
  now?: Date;
}

/** Reads the policy's files; every problem is an input error naming the file. */
export async function loadPolicy(input: PolicyInput): Promise<Policy> {
  const cutoff = parseCutoff(input.severityCutoff);
  const ignoreRules: IgnoreRule[] = input.ignoreFile ? await loadIgnoreFile(input.ignoreFile) : [];
  const maxDays = input.maxIgnoreDays ?? DEFAULT_MAX_IGNORE_DAYS;
  checkExpiryCap(ignoreRules, maxDays, input.now ?? new Date());
  const vex: VexStatement[] = [];
  for (const file of input.vexFiles ?? []) vex.push(...(await loadVex(file)));
  return {
    cutoff,
    onlyFixed: input.onlyFixed ?? false,
    unknownFails: input.unknownFails ?? false,
    ...(input.allowEmptySbom ? { allowEmptySbom: true } : {}),
    ignoreRules,
    vex,
  };
}

export interface Judgement {
  evaluation: Evaluation;
  sarif: SarifOutput;
}

/** The gate and its SARIF for one report: what both the action and `scan --report` do. */
export function judge(
  report: GrypeReport,
  policy: Policy,
  options: { category?: string; source?: ScanSource; now?: Date; packages?: number } = {},
): Judgement {
  // packages: how many the scanned SBOM lists (catalogueSize); 0 fails the gate.
  const evaluation = withCatalogue(
    evaluate(report, policy, options.now),
    options.packages,
    policy.allowEmptySbom ?? false,
  );
  const category = options.category?.trim() || defaultCategory(options.source, report);
  return { evaluation, sarif: toSarif(evaluation, report, { category }) };
}

export interface ScanOptions {
  source: ScanSource;
  /** Directory for grype.json (and grype's table in the log). */
  outputDir: string;
  /** The grype executable; by default grype from PATH, else the pinned version installed. */
  command?: string;
  table?: boolean;
  cacheDb?: boolean;
  /** Where grype keeps its database (GRYPE_DB_CACHE_DIR); without it, grype's default and no cache. */
  dbDir?: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  loadCache?: () => Promise<CacheApi>;
}

export interface ScanOutcome {
  report: GrypeReport;
  jsonFile: string;
  version?: GrypeVersion;
  cache: DbCacheState;
}

/** Runs grype (with the database cache around it) and returns its report; the verdict is `judge`'s. */
export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const [outcome] = await scanEach({
    ...options,
    targets: [{ source: options.source, outputDir: options.outputDir }],
  });
  return outcome as ScanOutcome;
}

export interface ScanEachOptions extends Omit<ScanOptions, 'source' | 'outputDir'> {
  /** What to scan, each with its own directory for grype.json. */
  targets: readonly { source: ScanSource; outputDir: string; platform?: string }[];
}

/**
 * Runs grype once per target (the platforms of an index) with one database: it is restored
 * before the first run and saved after the last, so every target is judged against the same data.
 */
export async function scanEach(options: ScanEachOptions): Promise<ScanOutcome[]> {
  // A grype already on PATH (the setup action's, or the user's) is used; else the pinned one is installed.
  const command = options.command ?? (await ensureTool('grype', { logger: options.logger })).path;
  const version = await grypeVersion(command, options.logger);
  if (version) options.logger.info(`grype ${version.version} (DB schema ${version.dbSchema ?? 'unknown'})`);
  const env = options.env ?? process.env;
  // The user's own database directory wins; else ours (the action's lives in RUNNER_TEMP); else grype's default.
  const dbDir = env.GRYPE_DB_CACHE_DIR || options.dbDir;
  const cacheOptions = {
    dir: dbDir ?? '',
    grypeVersion: version?.version,
    dbSchema: version?.dbSchema,
    now: options.now,
    env,
    logger: options.logger,
    load: options.loadCache,
  };
  const useCache = options.cacheDb !== false && dbDir !== undefined;
  const cache: DbCacheState = useCache
    ? await restoreDb(cacheOptions)
    : { hit: 'skipped', env: dbDir ? { GRYPE_DB_CACHE_DIR: dbDir } : {} };
  const outcomes: ScanOutcome[] = [];
  for (const target of options.targets) {
    // The phase line a person watching a long scan sees (stderr in the CLI, silent under -q).
    options.logger.info(
      `scan: grype: scanning ${target.source.kind} ${target.source.value}${target.platform ? ` (${target.platform})` : ''}`,
    );
    await mkdir(target.outputDir, { recursive: true });
    const jsonFile = path.join(target.outputDir, 'grype.json');
    const report = await runGrype(target.source, {
      command,
      outputs: { json: jsonFile, table: options.table },
      env: cache.env,
      logger: options.logger,
    });
    outcomes.push({ report, jsonFile, version, cache });
  }
  if (useCache) await saveDb(cache, cacheOptions);
  return outcomes;
}

export async function writeSarif(file: string, sarif: SarifOutput): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sarif.text);
}
