import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * A directory to put first on PATH: its tools (node scripts, test/real/harness/recording-bin/)
 * log each call and then run the real tool of the same name from REAL_TOOLS_BIN, unchanged.
 */
export const recordingBin = path.join(repoRoot, 'test', 'real', 'harness', 'recording-bin');

export interface RecordedCall {
  tool: string;
  argv: string[];
  /** The tool's own variables (SYFT_* for syft); secrets as "(set)". */
  env: Record<string, string>;
}

/** A fresh log and the environment that makes the recording tools use it and find the real ones. */
export function recording(realBin: string): { log: string; env: Record<string, string> } {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'real-record-')), 'calls.jsonl');
  return { log, env: { REAL_TOOLS_BIN: realBin, REAL_RECORD_LOG: log } };
}

export function recordedCalls(log: string): RecordedCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedCall);
}
