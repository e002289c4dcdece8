import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Where `npm run tools:real` (scripts/real-tools.mjs) put the real tools: one bin/ folder, asked of
 * the script itself so that the cache rule lives in one place.
 */
export function realToolsBin(): string {
  return execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'real-tools.mjs'), '--print-bin'], {
    encoding: 'utf8',
  }).trim();
}

/**
 * The bin/ folder, after checking that each named tool is in it. A missing tool fails the test
 * that needs it (this tier never skips), with the command that builds it.
 */
export function requireRealTools(...names: string[]): string {
  const bin = realToolsBin();
  const missing = names.filter((name) => !existsSync(path.join(bin, name)));
  if (missing.length > 0) {
    throw new Error(
      `real tool(s) missing from ${bin}: ${missing.join(', ')}; build them with \`npm run tools:real\``,
    );
  }
  return bin;
}
