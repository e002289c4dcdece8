import path from 'node:path';
import { install, type InstallOptions } from './install.js';
import { findOnPath } from './which.js';
import { silentLogger, run } from '@release-actions/core';

export interface EnsuredTool {
  tool: string;
  path: string;
  /** First line of the tool's version output (PATH), or the installed version. */
  version: string;
  source: 'path' | 'cache' | 'download';
}

export interface EnsureOptions extends InstallOptions {
  /** Put an installed tool's directory first on this process's PATH (default true), so run(tool) finds it. */
  addToPath?: boolean;
}

/**
 * The binary the other actions run: a tool already on PATH (put there by the user or by the setup
 * action) is used as it is, and its version is logged; otherwise the pinned version is installed.
 */
export async function ensureTool(tool: string, options: EnsureOptions = {}): Promise<EnsuredTool> {
  const logger = options.logger ?? silentLogger;
  const onPath = findOnPath(tool);
  if (onPath) {
    let version = 'unknown version';
    try {
      const result = await run(onPath, ['version'], { timeoutMs: 30_000 });
      const lines = (result.stdout || result.stderr)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
      // cosign and slsa-verifier open with an ASCII-art banner: the line that names a version says more.
      version = lines.find((line) => /\bv?\d+\.\d+\.\d+/.test(line)) ?? lines[0] ?? version;
    } catch {
      // A tool that cannot report its version may still do its job; the run that follows decides.
    }
    logger.info(`Using ${tool} from PATH: ${onPath} (${version})`);
    return { tool, path: onPath, version, source: 'path' };
  }
  const installed = await install(tool, options);
  if (options.addToPath ?? true) {
    process.env.PATH = [installed.dir, process.env.PATH ?? ''].filter((p) => p !== '').join(path.delimiter);
  }
  return { tool, path: installed.path, version: installed.version, source: installed.source };
}
