import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The tiny grype database of the real scans (test/real/programs/grype-db: made-up advisories
 * written with grype's own v6 writer against the packages of ./image.ts), installed in a fresh
 * directory as `grype db import` installs one.
 */
export interface GrypeDb {
  /** GRYPE_DB_CACHE_DIR: the database is in <dir>/6/. */
  dir: string;
  /** With `listing`: the folder to serve as GRYPE_DB_UPDATE_URL (holds v6/latest.json and the archive). */
  listing?: string;
  /** How long grype-db took, in milliseconds. */
  ms: number;
}

export function makeGrypeDb(bin: string, options: { built?: Date; listing?: boolean } = {}): GrypeDb {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grype-db-'));
  const listing = options.listing ? mkdtempSync(path.join(os.tmpdir(), 'grype-db-listing-')) : undefined;
  const args = ['-dir', dir];
  if (options.built) args.push('-built', options.built.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (listing) args.push('-listing', listing);
  const started = Date.now();
  execFileSync(path.join(bin, 'grype-db'), args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { dir, ms: Date.now() - started, ...(listing ? { listing } : {}) };
}

/**
 * The environment that keeps grype offline on that database: no database update, no check for a
 * newer grype. The age check stays on (the database is built the moment the test starts).
 */
export function offlineGrype(db: GrypeDb): Record<string, string> {
  return {
    GRYPE_DB_CACHE_DIR: db.dir,
    GRYPE_DB_AUTO_UPDATE: 'false',
    GRYPE_CHECK_FOR_APP_UPDATE: 'false',
  };
}

/** The advisories grype-db writes (its main.go), by the platforms of ./image.ts they affect. */
export const ADVISORIES = {
  openssl: { id: 'CVE-2099-0001', package: 'libssl3', severity: 'Critical', fixed: '3.0.11-1~deb12u1' },
  lodash: { id: 'GHSA-2099-test-0002', package: 'lodash', severity: 'High', fixed: '4.17.21' },
  zlib: { id: 'CVE-2099-0003', package: 'zlib1g', severity: 'High', fixed: undefined },
  minimist: { id: 'CVE-2099-0004', package: 'minimist', severity: 'Low', fixed: '1.2.9' },
  tzdata: { id: 'CVE-2099-0005', package: 'tzdata', severity: 'Negligible', fixed: '2023c-0+deb12u1' },
} as const;
